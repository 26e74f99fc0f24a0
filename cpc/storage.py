"""Private files (evidence, plan documents, stored reports): never under a public URL."""

from django.core.files.storage import Storage, storages


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
