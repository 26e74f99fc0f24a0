"""Admin for contributions and sustainability plans, scoped by country like every view."""

from django.contrib import admin
from django.db import models

from compacts.admin import ScopedAdmin, ScopedChoicesMixin, private_file_widget

from .models import Contribution, FollowUp, Measure, ReminderLog, SustainabilityPlan


@admin.register(Contribution)
class ContributionAdmin(ScopedAdmin):
    country_path = "compact__country"
    list_display = ["compact", "fiscal_year", "kind", "amount_usd", "currency", "verified"]
    list_filter = ["kind", "verified", "fiscal_year"]
    search_fields = ["description"]
    readonly_fields = ["verified", "verified_by", "verified_at", "recorded_by"]
    # Private storage has no URL: the stored file links to the view that checks scope.
    formfield_overrides = {
        models.FileField: {"widget": private_file_widget("contributions:evidence")},
    }


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
    formfield_overrides = {
        models.FileField: {"widget": private_file_widget("contributions:plan-document")},
    }


@admin.register(ReminderLog)
class ReminderLogAdmin(ScopedAdmin):
    country_path = "compact__country"
    list_display = ["kind", "object_id", "due_on", "compact", "sent_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
