"""Shared model behaviour."""

import contextlib
import datetime as dt
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from cpc.storage import private_storage
from cpc.uploads import validate_upload


class ConstraintErrorsOnFields:
    """Report database-constraint violations under the field a user must correct.

    Django files errors of multi-field constraints under ``__all__``; the API contract wants
    the field named. Models list ``constraint_error_fields = {constraint name: field}``.
    """

    constraint_error_fields: dict[str, str] = {}

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            fields = self.constraint_error_fields
            by_message = {
                str(constraint.violation_error_message): fields[constraint.name]
                for constraint in self._meta.constraints
                if constraint.name in fields
            }
            remapped: dict[str, list] = {}
            for field, messages in error.error_dict.items():
                for message in messages:
                    text = " ".join(message.messages)
                    target = by_message.get(text, field) if field == NON_FIELD_ERRORS else field
                    remapped.setdefault(target, []).append(message)
            raise ValidationError(remapped) from error


_recorded_as_of: ContextVar[dt.datetime | None] = ContextVar("recorded_as_of", default=None)


def recorded_now() -> dt.datetime:
    """The server time a record is stamped with: now, except while a loader of past records
    (the demo, a generated portfolio) replays them with :func:`recorded_as_of`. No request
    can set it."""
    return _recorded_as_of.get() or timezone.now()


@contextlib.contextmanager
def recorded_as_of(moment: dt.datetime):
    """Stamp records written inside the block as recorded at ``moment``: for code that loads
    a past record as it was entered at the time, never for a user's request."""
    token = _recorded_as_of.set(moment)
    try:
        yield
    finally:
        _recorded_as_of.reset(token)


class StampsRecordedAt:
    """Keep ``recorded_at``: the server time the record's substance was last entered.

    Checks compare it with the dates users type (a target recorded after its year ended does
    not count for that year). It is set on every save that creates the record or changes one
    of ``recorded_fields``, whatever the path (service, API, admin, bulk upload); never by a
    client. Creating a record with ``recorded_at`` already set keeps it: that is how data
    loaded from elsewhere (the demo, a migration) keeps the time it was first recorded.
    """

    recorded_fields: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._recorded_values = instance._recorded_snapshot()
        return instance

    def _recorded_snapshot(self) -> dict:
        # Only the fields loaded (a deferred field is not known to have changed).
        return {name: self.__dict__[name] for name in self.recorded_fields
                if name in self.__dict__}

    def _recorded_fields_changed(self, previous: dict) -> bool:
        now = self._recorded_snapshot()
        return any(now.get(name, value) != value for name, value in previous.items())

    def save(self, *args, **kwargs):
        previous = getattr(self, "_recorded_values", None)
        if previous is None:
            self.recorded_at = self.recorded_at or recorded_now()
        elif self._recorded_fields_changed(previous):
            self.recorded_at = recorded_now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "recorded_at" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "recorded_at"]
        super().save(*args, **kwargs)
        self._recorded_values = self._recorded_snapshot()


class DeletesReplacedFiles:
    """Delete a stored file from storage once the record holds another one (or none).

    The old file goes only after the transaction that replaced it commits: a rolled-back
    save keeps it, and the record never points at a file that is gone. The names loaded with
    the row are remembered (``from_db``), so no query is needed to know what was there.
    """

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_stored_files()
        return instance

    def _file_fields(self):
        return [f for f in self._meta.concrete_fields if isinstance(f, models.FileField)]

    def _remember_stored_files(self) -> None:
        # Before the field is read the row holds the name as a string, after it a FieldFile.
        self._stored_files = {
            f.attname: (f, getattr(self.__dict__[f.attname], "name", self.__dict__[f.attname]))
            for f in self._file_fields() if f.attname in self.__dict__
        }

    def save(self, *args, **kwargs):
        previous = getattr(self, "_stored_files", {})
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        for attname, (field, old_name) in previous.items():
            if update_fields is not None and attname not in update_fields:
                continue
            new_name = getattr(getattr(self, attname), "name", None) or ""
            if old_name and old_name != new_name:
                storage = field.storage
                transaction.on_commit(lambda s=storage, n=old_name: s.delete(n),
                                      using=kwargs.get("using") or self._state.db)
        self._remember_stored_files()


def private_document_path(instance, filename: str) -> str:
    """``<the model's upload_folder>/<year>/<month>/<filename>``."""
    return f"{instance.upload_folder}/{timezone.now():%Y/%m}/{filename}"


class PrivateDocument(models.Model):
    """A document a user attached to a record (a dialogue's minutes, a result's source):
    stored privately, checked by content and size, served only through a view that checks
    the user may see its record (``cpc/storage.py``). Never deleted: it backs the record."""

    upload_folder = "documents"

    title = models.CharField(max_length=255, blank=True)
    file = models.FileField(storage=private_storage, upload_to=private_document_path,
                            max_length=255, validators=[validate_upload])
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title or self.filename

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]
