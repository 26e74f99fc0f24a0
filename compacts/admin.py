"""Admin for countries, compacts and awards, scoped by country like every other view.

Admin writes go through ``full_clean()`` (ModelForm validation), so the model rules hold here
as in the API. Historical versions are shown by django-simple-history.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import scoping
from .models import (
    Award,
    Compact,
    Extension,
    GuidanceDocument,
    Implementer,
    Objective,
    PartnerCountry,
    TierRanking,
    UserProfile,
)


class ScopedAdmin(SimpleHistoryAdmin):
    """Rows outside the user's countries do not exist for them; choices are scoped too.

    ``country_path`` is the lookup from the model to its PartnerCountry ("" for the country
    itself, None for program-wide records such as implementers and guidance).
    """

    country_path: str | None = "country"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.country_path is None:
            return queryset
        return scoping.scope_to_visible(queryset, request.user, self.country_path)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related is PartnerCountry:
            kwargs["queryset"] = scoping.scope_to_changeable(
                PartnerCountry.objects.all(), request.user, ""
            )
        elif related is Compact:
            kwargs["queryset"] = scoping.scope_to_changeable(
                Compact.objects.select_related("country"), request.user
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self._obj_changeable(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or self._obj_changeable(request, obj)

    def _obj_changeable(self, request, obj) -> bool:
        if self.country_path is None:
            return scoping.is_tip_staff(request.user)
        country = obj
        for part in filter(None, self.country_path.split("__")):
            country = getattr(country, part)
        return scoping.can_change_country(request.user, country.pk)


class TierRankingInline(admin.TabularInline):
    model = TierRanking
    extra = 0


@admin.register(PartnerCountry)
class PartnerCountryAdmin(ScopedAdmin):
    country_path = ""
    list_display = ["name", "iso_code", "region"]
    list_filter = ["region"]
    inlines = [TierRankingInline]


@admin.register(TierRanking)
class TierRankingAdmin(ScopedAdmin):
    list_display = ["country", "report_year", "tier"]
    list_filter = ["tier", "report_year"]


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0


class ExtensionInline(admin.TabularInline):
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
    list_display = ["name", "kind"]
    search_fields = ["name"]


@admin.register(Award)
class AwardAdmin(ScopedAdmin):
    country_path = "compact__country"
    list_display = ["award_number", "compact", "implementer", "mechanism", "amount_usd"]
    list_filter = ["mechanism"]
    search_fields = ["award_number", "implementer__name"]


@admin.register(GuidanceDocument)
class GuidanceDocumentAdmin(ScopedAdmin):
    country_path = None
    list_display = ["title", "version", "effective_on", "requires_targets"]


@admin.register(UserProfile)
class UserProfileAdmin(ScopedAdmin):
    country_path = None
    list_display = ["user"]
    filter_horizontal = ["countries"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if scoping.sees_every_country(request.user) else queryset.none()
