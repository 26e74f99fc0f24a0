"""Admin for countries, compacts and awards, scoped by country like every other view.

Admin writes go through ``full_clean()`` (ModelForm validation), so the model rules hold here
as in the API. Historical versions are shown by django-simple-history.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cpc import reauth
from cpc.access import scoping
from cpc.access.admin import ChangeReasonForm, ScopedAdmin, ScopedChoicesMixin
from cpc.services import StateConflict

from . import services
from .models import (
    Award,
    Compact,
    Extension,
    FiscalYearLock,
    GuidanceDocument,
    Implementer,
    Objective,
    PartnerCountry,
    TierRanking,
    UserProfile,
)


class TierRankingInline(ScopedChoicesMixin, admin.TabularInline):
    model = TierRanking
    extra = 0


@admin.register(PartnerCountry)
class PartnerCountryAdmin(ScopedAdmin):
    country_path = ""
    list_display = ["name", "iso_code", "region", "government_iati_ref"]
    list_filter = ["region"]
    inlines = [TierRankingInline]


@admin.register(TierRanking)
class TierRankingAdmin(ScopedAdmin):
    list_display = ["country", "report_year", "tier"]
    list_filter = ["tier", "report_year"]


class ObjectiveInline(ScopedChoicesMixin, admin.TabularInline):
    model = Objective
    extra = 0


class ExtensionInline(ScopedChoicesMixin, admin.TabularInline):
    model = Extension
    extra = 0


@admin.register(Compact)
class CompactAdmin(ScopedAdmin):
    list_display = ["title", "country", "status", "start_date", "end_date", "us_funding_usd"]
    list_filter = ["status", "country"]
    search_fields = ["title"]
    inlines = [ObjectiveInline, ExtensionInline]


@admin.register(Extension)
class ExtensionAdmin(ScopedAdmin):
    country_path = "compact__country"
    list_display = ["compact", "signed_on", "new_end_date"]


@admin.register(Objective)
class ObjectiveAdmin(ScopedAdmin):
    country_path = "compact__country"
    list_display = ["compact", "pillar", "description"]
    list_filter = ["pillar"]


@admin.register(Implementer)
class ImplementerAdmin(ScopedAdmin):
    country_path = None
    list_display = ["name", "kind", "ngo_type", "iati_ref"]
    list_filter = ["kind", "ngo_type"]
    search_fields = ["name", "iati_ref"]


@admin.register(Award)
class AwardAdmin(ScopedAdmin):
    country_path = "compact__country"
    list_display = ["award_number", "compact", "implementer", "mechanism", "amount_usd"]
    list_filter = ["mechanism"]
    search_fields = ["award_number", "implementer__name"]


class GuidanceDocumentAdminForm(ChangeReasonForm):
    reason_needed_when = "is_confirmed"
    reason_what = "confirmed guidance version"

    class Meta:
        model = GuidanceDocument
        fields = forms.ALL_FIELDS


@admin.register(GuidanceDocument)
class GuidanceDocumentAdmin(ScopedAdmin):
    """Versions of the program guidance; check 4 reads the one in force each fiscal year."""

    country_path = None
    form = GuidanceDocumentAdminForm
    list_display = ["title", "version", "effective_from", "in_force_until", "quotes_targets",
                    "has_document", "recorded_by", "confirmed_by", "confirmed_at"]
    fields = ["title", "version", "effective_from", "effective_to", "document",
              "targets_passage", "summary", "reason", "recorded_by", "recorded_at",
              "confirmed_by", "confirmed_at"]
    # Provenance and confirmation are set by the services alone (four eyes).
    readonly_fields = ["recorded_by", "recorded_at", "confirmed_by", "confirmed_at"]
    actions = ["confirm_passage"]

    def save_model(self, request, obj, form, change):
        """Through the services, like the API: the author is stamped, and a change of the
        passage or the document withdraws a confirmation."""
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data
                    if name in form.cleaned_data and name != "reason"}
            services.guidance_document_update(user=request.user, guidance=obj, data=data,
                                              reason=form.cleaned_data.get("reason", ""))
        else:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            saved = services.guidance_document_create(user=request.user, **fields)
            obj.pk = saved.pk

    @admin.action(description=_("Confirm that the passage references indicator targets"))
    def confirm_passage(self, request, queryset):
        if not reauth.session_is_recent(request):
            return reauth.reauth_redirect(request)  # confirming needs a recent sign-in
        confirmed = 0
        for guidance in queryset:
            try:
                services.guidance_document_confirm(user=request.user, guidance=guidance)
            except (StateConflict, PermissionDenied) as refusal:
                message = getattr(refusal, "message", None) or str(refusal)
                self.message_user(request, f"{guidance}: {message}", messages.ERROR)
            else:
                confirmed += 1
        if confirmed:
            self.message_user(request, ngettext(
                "%(count)s guidance version confirmed.",
                "%(count)s guidance versions confirmed.", confirmed) % {"count": confirmed},
                messages.SUCCESS)

    @admin.display(description="in force until")
    def in_force_until(self, guidance):
        return guidance.ends_on() or "—"

    @admin.display(boolean=True, description="quotes the passage on targets")
    def quotes_targets(self, guidance) -> bool:
        return bool(guidance.targets_passage)

    @admin.display(boolean=True, description="document attached")
    def has_document(self, guidance) -> bool:
        return bool(guidance.document)


@admin.register(UserProfile)
class UserProfileAdmin(reauth.ReauthAdminMixin, ScopedAdmin):
    """Country scope and implementer links: saved only after a recent sign-in."""

    country_path = None
    list_display = ["user"]
    filter_horizontal = ["countries", "implementers"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if scoping.sees_every_country(request.user) else queryset.none()


@admin.register(FiscalYearLock)
class FiscalYearLockAdmin(ScopedAdmin):
    """Who locked or unlocked which year and why, with the history of every decision. Read
    only: staff decide on the compact page or through the API (``compacts.year_locks``)."""

    country_path = "compact__country"
    list_display = ["compact", "fiscal_year", "state", "changed_by", "changed_at", "reason"]
    list_filter = ["state", "fiscal_year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
