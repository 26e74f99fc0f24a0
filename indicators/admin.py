"""Admin for the indicator library, indicators, targets and results, scoped by country like
every other view. Admin writes validate with ``full_clean()`` (ModelForm), so the model rules
hold here too; the approval loop and change reasons belong to the API and pages."""

from django.contrib import admin

from cpc.access import scoping
from cpc.access.admin import ScopedAdmin, ScopedChoicesMixin

from .models import (
    Disaggregation,
    Indicator,
    Result,
    ResultDocument,
    ResultStatus,
    StandardIndicator,
    Target,
)


class IndicatorScopedAdmin(ScopedAdmin):
    """Indicator choices in forms are limited to the user's countries."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Indicator:
            kwargs["queryset"] = scoping.scope_to_changeable(
                Indicator.objects.select_related("compact"), request.user, "compact__country"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(StandardIndicator)
class StandardIndicatorAdmin(ScopedAdmin):
    country_path = None
    list_display = ["code", "name", "pillar", "unit", "direction", "cumulation"]
    list_filter = ["pillar", "unit", "cumulation"]
    search_fields = ["code", "name", "name_es", "name_fr"]


class TargetInline(ScopedChoicesMixin, admin.TabularInline):
    model = Target
    extra = 0
    fields = ["fiscal_year", "value"]


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdmin):
    country_path = "compact__country"
    list_display = ["code", "name", "compact", "pillar", "unit", "cumulation", "is_key"]
    list_filter = ["is_key", "pillar", "unit", "cumulation"]
    search_fields = ["code", "name", "name_es", "name_fr", "compact__title"]
    list_select_related = ["compact"]
    filter_horizontal = ["awards"]
    inlines = [TargetInline]
    # The tracked years change through the API (``indicators.services.indicator_update``),
    # which asks a reason for dropping a year already under way and keeps key indicators.
    readonly_fields = ["first_fiscal_year", "last_fiscal_year"]


@admin.register(Target)
class TargetAdmin(IndicatorScopedAdmin):
    country_path = "indicator__compact__country"
    list_display = ["indicator", "fiscal_year", "value"]
    list_filter = ["fiscal_year"]
    list_select_related = ["indicator"]


class DisaggregationInline(ScopedChoicesMixin, admin.TabularInline):
    model = Disaggregation
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PrivateDocumentInline(admin.TabularInline):
    """Documents attached through the pages and the API, listed read-only: the file links to
    the view that checks the user's scope before serving it."""

    extra = 0
    can_delete = False
    fields = readonly_fields = ["title", "file", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ResultDocumentInline(PrivateDocumentInline):
    model = ResultDocument


@admin.register(Result)
class ResultAdmin(IndicatorScopedAdmin):
    country_path = "indicator__compact__country"
    list_display = ["indicator", "fiscal_year", "value", "status", "reported_by", "reported_at"]
    list_filter = ["status", "fiscal_year"]
    list_select_related = ["indicator", "reported_by"]
    readonly_fields = ["indicator", "fiscal_year", "value", "numerator", "denominator",
                       "status", "review_note", "reported_by", "reported_at", "reviewed_by",
                       "reviewed_at"]
    inlines = [DisaggregationInline, ResultDocumentInline]

    # Recording, reviewing and correcting values go through the services (API and pages),
    # which keep the approval loop and ask for a reason when an approved result changes.
    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        """An approved result is read-only here, its source included: a change needs a
        reason, which the data-entry grid, the upload and the API ask for."""
        if obj is not None and obj.status == ResultStatus.APPROVED:
            return [f.name for f in Result._meta.concrete_fields]
        return super().get_readonly_fields(request, obj)


@admin.register(Disaggregation)
class DisaggregationAdmin(ScopedAdmin):
    country_path = "result__indicator__compact__country"
    list_display = ["result", "sex", "age_group", "value"]

    # The parts must add up to the result: they change with it, through the services.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
