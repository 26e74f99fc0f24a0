"""Private files (evidence, plan documents, stored reports): never under a public URL."""

from django.core.files.storage import Storage, storages
from django.http import FileResponse, Http404

from cpc.uploads import served_content_type


class PrivateStorage(Storage):
    """Forwards to ``storages["private"]`` at each use rather than once at import.

    A FileField evaluates its storage callable when the model class is built; looking the
    backend up on every call keeps ``STORAGES`` overridable (tests use a temporary folder).
    """

    @property
    def backend(self) -> Storage:
        return storages["private"]

    def _open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def _save(self, name, content):
        return self.backend.save(name, content)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def size(self, name):
        return self.backend.size(name)

    def path(self, name):
        return self.backend.path(name)

    def url(self, name):
        # Private files have no URL: views serve them after checking role and country.
        raise ValueError("Private files are served by a view, never by URL.")


def private_storage() -> Storage:
    """The storage callable for private FileFields."""
    return PrivateStorage()


# A stored file is never a page of this site: no script, no plugin, no styles, sandboxed,
# and no guessing of its type past the one it is served with.
FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"


def protect_file_response(response):
    """The headers every stored file is served with (evidence, plans, guidance, reports)."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


def private_file_response(field_file, *, download_name: str | None = None) -> FileResponse:
    """Stream a private file, as an attachment, to a user the caller has already authorised;
    404 when there is none."""
    if not field_file:
        raise Http404("No file attached.")
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing from storage.") from error
    name = download_name or field_file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name,
                            content_type=served_content_type(name))
    return protect_file_response(response)
