"""Private files (evidence, plan documents, stored reports): never under a public URL.

A private file's ``url`` is not the file: it is ``/files/<name>``, a view that finds the
record owning the file among those the user may see and hands over to that record's
download view, which checks the user's role and country again before streaming. Apps say
which of their fields hold private files with ``register_private_file`` (in their
``AppConfig.ready``), so this module needs no knowledge of the apps above it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.storage import Storage, storages
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.urls import reverse

from cpc.uploads import served_content_type


@dataclass(frozen=True)
class PrivateFileOwner:
    records: Callable[..., QuerySet]  # selector: records(user=...) -> what the user may see
    field: str  # the FileField's name
    url_name: str  # the record's download view, taking the record's pk


_OWNERS: list[PrivateFileOwner] = []


def register_private_file(*, records: Callable[..., QuerySet], field: str,
                          url_name: str) -> None:
    owner = PrivateFileOwner(records, field, url_name)
    if owner not in _OWNERS:
        _OWNERS.append(owner)


def private_file_download_url(*, user, name: str) -> str | None:
    """The download view of the record owning file ``name``, if the user may see it."""
    for owner in _OWNERS:
        pk = (owner.records(user=user).filter(**{owner.field: name})
              .values_list("pk", flat=True).first())
        if pk is not None:
            return reverse(owner.url_name, args=[pk])
    return None



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
        # Not the file itself: the view that checks role and country scope before serving
        # it (the admin's file widgets and read-only fields link here).
        return reverse("private-file", kwargs={"name": name})


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
