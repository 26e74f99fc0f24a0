"""The admin every app's records are shown in: rows, choices and list filters scoped
to the user's countries (``cpc.access.scoping``), writes for TIP staff alone, no
deletion and no revert from history; ``ChangeReasonForm`` asks the reason a
confirmed record's change needs."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cpc.services import REASON_MAX_LENGTH, required_reason

from . import scoping


def _scoped_choices(admin_site, related_model, request):
    """The rows of ``related_model`` a form may offer: those of the countries the user may
    change, found through the country path of the related model's own admin. None when the
    related model is not country-scoped (implementers, the indicator library, users)."""
    if related_model is scoping.scope_model("PartnerCountry"):
        return scoping.scope_to_changeable(related_model._default_manager.all(), request.user, "")
    related_admin = admin_site._registry.get(related_model)
    country_path = getattr(related_admin, "country_path", None)
    if country_path is None:
        return None
    return scoping.scope_to_changeable(
        related_model._default_manager.all(), request.user, country_path
    )


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices (select boxes and raw-id inputs alike, which
    validate against the same queryset) offer only rows of the user's countries, so neither
    their names leak nor can a row be attached to another country's record.

    Every admin and inline of the program's records uses it, so it also refuses deletion
    there (see ``ScopedAdmin.has_delete_permission``): an inline row has no "delete" box."""

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = _scoped_choices(self.admin_site, db_field.related_model, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = _scoped_choices(self.admin_site, db_field.related_model, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ChangeReasonForm(forms.ModelForm):
    """An admin form whose record, once approved, verified or confirmed, changes only with a
    reason: a "reason for this change" field, required (a form error) when the stored record
    is ``reason_needed_when`` and something changed, by the service's own rule
    (``cpc.services.required_reason``). The admin passes it to the service, which keeps it
    in the history and refuses again without it."""

    reason_needed_when = ""  # the record's attribute: "verified", "is_confirmed"
    reason_what = ""
    reason = forms.CharField(
        required=False, label=_("Reason for this change"), max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the record was approved, verified or confirmed: the "
                    "history keeps it beside the change."))

    def clean(self):
        data = super().clean()
        needs = self.instance.pk and getattr(self.instance, self.reason_needed_when, False)
        if needs and [f for f in self.changed_data if f != "reason"]:
            try:
                data["reason"] = required_reason(data.get("reason"), what=self.reason_what)
            except ValidationError as error:
                self.add_error(None, error)
        return data


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A list filter by a related record ("By country", "By compact") offers only the records
    the user may see: Django's own lists every row of the related table, names included."""

    def field_choices(self, field, request, model_admin):
        visible = scoping.scope_any(field.related_model._default_manager.all(), request.user)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, ordering=ordering,
                                 limit_choices_to={"pk__in": visible})


class ScopedAdmin(ScopedChoicesMixin, SimpleHistoryAdmin):
    """Rows outside the user's countries do not exist for them; choices are scoped too.

    ``country_path`` is the lookup from the model to its PartnerCountry ("" for the country
    itself, None for program-wide records such as implementers and guidance).
    """

    country_path: str | None = "country"
    # Addresses typed without a scheme are https (the API's serializers agree); Django 6's
    # default, and without it Django 5 warns on every form with a URL (an implementer's).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version is shown, never saved back. django-simple-history saves a POST to
        this page ("revert") for anyone who may view history, auditors included, and a
        revert goes round the services (four eyes, year locks, reasons): every write goes
        through the change form or the app's own pages instead."""
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True  # no "Revert" button: see history_form_view

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.country_path is None:
            return queryset
        return scoping.scope_to_visible(queryset, request.user, self.country_path)

    def get_list_filter(self, request):
        """Filters by a related record (named as a plain field path) are scoped too."""
        return [self._scoped_list_filter(item) for item in super().get_list_filter(request)]

    def _scoped_list_filter(self, item):
        if isinstance(item, str) and get_fields_from_path(self.model, item)[-1].is_relation:
            return (item, ScopedRelatedFieldListFilter)
        return item

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or self._obj_visible(request, obj)

    # Writes through the admin are TIP staff's (and superusers') alone, whatever model
    # permissions a group holds: officers and implementers write through the pages and the
    # API, whose services keep the approval loop, and auditors never write. The admin is
    # read-only for them (tests/test_admin_sweep.py).
    def has_add_permission(self, request):
        return scoping.is_tip_staff(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if not scoping.is_tip_staff(request.user):
            return False
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self._obj_changeable(request, obj)

    def has_delete_permission(self, request, obj=None):
        """Nobody deletes an oversight record in the admin, superusers included: the delete
        page and its POST answer 403 and "delete selected" is gone. The history would keep
        the row, but not why it went; records are corrected or withdrawn through the pages
        and the API, whose services ask for a reason (docs/security.md, "Audit trail")."""
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _obj_visible(self, request, obj) -> bool:
        """The history pages of django-simple-history load an object (or, once deleted, its
        last historical version) without ``get_queryset``: check the scope here."""
        if self.get_queryset(request).filter(pk=obj.pk).exists():
            return True
        if self.model._default_manager.filter(pk=obj.pk).exists():
            return False  # exists, outside the user's countries
        # A deleted record's history: only for those who see every country.
        return scoping.sees_every_country(request.user)

    def _obj_changeable(self, request, obj) -> bool:
        if self.country_path is None:
            return scoping.is_tip_staff(request.user)
        country = obj
        for part in filter(None, self.country_path.split("__")):
            country = getattr(country, part)
        return scoping.can_change_country(request.user, country.pk)
