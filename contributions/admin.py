"""Admin for contributions and sustainability plans, scoped by country like every view."""

from django import forms
from django.contrib import admin

from cpc.access.admin import ChangeReasonForm, ScopedAdmin, ScopedChoicesMixin

from . import services
from .models import Contribution, FollowUp, Measure, ReminderLog, SustainabilityPlan


class ContributionAdminForm(ChangeReasonForm):
    """A change to a verified contribution asks why (``contribution_update``'s rule)."""

    reason_needed_when = "verified"
    reason_what = "verified contribution"

    class Meta:
        model = Contribution
        fields = forms.ALL_FIELDS


@admin.register(Contribution)
class ContributionAdmin(ScopedAdmin):
    country_path = "compact__country"
    form = ContributionAdminForm
    list_display = ["compact", "fiscal_year", "kind", "amount_usd", "currency", "verified"]
    list_filter = ["kind", "verified", "fiscal_year"]
    search_fields = ["description"]
    readonly_fields = ["verified", "verified_by", "verified_at", "recorded_by",
                       "value_changed_by", "evidence_recorded_at", "created_at"]
    # Private storage has no URL: the stored file links to the view that checks scope.

    def save_model(self, request, obj, form, change):
        """Through the services, like the pages and the API: a change of figures or evidence
        withdraws a verification and makes the admin user its last changer (four eyes)."""
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data
                    if name in form.cleaned_data and name != "reason"}
            services.contribution_update(contribution=obj, data=data, user=request.user,
                                         reason=form.cleaned_data.get("reason", ""))
        else:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            saved = services.contribution_create(user=request.user, **fields)
            obj.pk = saved.pk


class MeasureInline(ScopedChoicesMixin, admin.TabularInline):
    model = Measure
    extra = 0


class FollowUpInline(ScopedChoicesMixin, admin.TabularInline):
    model = FollowUp
    extra = 0
    readonly_fields = ["recorded_by"]


@admin.register(SustainabilityPlan)
class SustainabilityPlanAdmin(ScopedAdmin):
    country_path = "compact__country"
    list_display = ["compact", "status", "requested_on", "due_on", "received_on"]
    list_filter = ["status"]
    inlines = [MeasureInline, FollowUpInline]
    # The status and its dates move only through the request / receive / accept services
    # (pages and API): the server dates the request, which check 6 compares with the
    # dialogue; the due date stays as given with it; a receipt is never dated ahead.
    readonly_fields = ["status", "requested_on", "requested_at", "due_on", "received_on",
                       "recorded_at"]


@admin.register(ReminderLog)
class ReminderLogAdmin(ScopedAdmin):
    country_path = "compact__country"
    # A failed reminder shows the mail server's answer; the daily run tries it again.
    list_display = ["kind", "object_id", "due_on", "compact", "status", "attempts",
                    "last_attempt_at", "sent_at", "last_error"]
    list_filter = ["status", "kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
