"""The version an edit page shows, so that saving over someone else's change is refused.

An edit form carries ``version``, a hash of the record as the page showed it (its stored
fields and its many-to-many choices). Saving first locks the row and compares: when the
record changed in between, :class:`RecordChanged` is raised (a 409 page that shows the
current values and the message), never a silent overwrite. The API does the same with
ETag and If-Match (cpc/api/conditional.py).
"""

import hashlib
import json

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

from cpc.services import StateConflict, field_values, lock

VERSION_FIELD = "version"
ERR_RECORD_CHANGED = (
    _("This record changed since you opened it: someone else saved it meanwhile. The page now "
    "shows what is saved; make your change again if it is still needed.")
)


class RecordChanged(StateConflict):
    def __init__(self, message: str = ERR_RECORD_CHANGED):
        super().__init__(message)


def record_version(instance) -> str:
    values = field_values(instance)
    for field in instance._meta.many_to_many:
        values[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    payload = json.dumps(values, cls=DjangoJSONEncoder, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def check_version(instance, version: str | None):
    """Lock the record and refuse when it is no longer the version the page showed. A form
    that posts no version (a client of its own) is not checked. Call inside the saving
    transaction; returns the locked, current record."""
    current = lock(instance)
    if version and record_version(current) != version:
        raise RecordChanged()
    return current


class VersionField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def add_version(form: forms.BaseForm, instance) -> forms.BaseForm:
    """Give ``form`` a hidden version of ``instance`` as it is now (unbound forms show it;
    bound ones carry what was posted)."""
    form.fields[VERSION_FIELD] = VersionField(initial=record_version(instance))
    return form
