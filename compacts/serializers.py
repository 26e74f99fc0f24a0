from django.urls import reverse
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cpc.uploads import validate_evidence

from . import services
from .models import (
    Award,
    Compact,
    Extension,
    GuidanceDocument,
    Objective,
    PartnerCountry,
    Pillar,
    Tier,
    TierRanking,
)


class CountrySerializer(serializers.ModelSerializer):
    iso_code = CountryField()
    name = serializers.CharField(read_only=True)
    # The tier of the latest TIP Report recorded, and that report's year: a tier is never
    # shown without the year of its report.
    current_tip_tier = serializers.SerializerMethodField()
    tip_tier_report_year = serializers.SerializerMethodField()

    class Meta:
        model = PartnerCountry
        fields = ["id", "iso_code", "name", "region", "current_tip_tier",
                  "tip_tier_report_year", "notes", "government_iati_ref"]

    @staticmethod
    def _latest(country) -> tuple[str | None, int | None]:
        if hasattr(country, "current_tip_tier"):
            return country.current_tip_tier, country.tip_tier_report_year
        latest = country.tier_rankings.order_by("-report_year").first()
        return (latest.tier, latest.report_year) if latest else (None, None)

    @extend_schema_field(serializers.ChoiceField(choices=Tier.choices, allow_null=True))
    def get_current_tip_tier(self, country) -> str | None:
        return self._latest(country)[0]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_tip_tier_report_year(self, country) -> int | None:
        return self._latest(country)[1]

    def create(self, validated_data):
        return services.country_create(user=self.context["request"].user,
                                       **validated_data)

    def update(self, instance, validated_data):
        return services.country_update(user=self.context["request"].user, country=instance,
                                       data=validated_data)


class TierRankingSerializer(serializers.ModelSerializer):
    class Meta:
        model = TierRanking
        fields = ["id", "country", "report_year", "tier"]
        read_only_fields = ["country"]


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ["pillar", "description"]


class CompactSerializer(serializers.ModelSerializer):
    objectives = ObjectiveSerializer(many=True, required=False)
    current_end_date = serializers.DateField(read_only=True, allow_null=True)
    country_iso_code = serializers.CharField(source="country.iso_code.code", read_only=True)
    # The ceiling at signing is ``us_funding_usd`` (null: not reported); this is what the
    # awards under it add up to, and whether one of them is a sample (cpc/samples.py).
    us_awarded_usd = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    us_awarded_includes_sample = serializers.BooleanField(read_only=True)

    class Meta:
        model = Compact
        fields = [
            "id",
            "country",
            "country_iso_code",
            "title",
            "status",
            "signed_on",
            "start_date",
            "end_date",
            "current_end_date",
            "us_funding_usd",
            "us_awarded_usd",
            "us_awarded_includes_sample",
            "partner_contribution_planned_usd",
            "partner_contribution_planned_is_sample",
            "language",
            "objectives",
            "created_at",
            "updated_at",
        ]

    def create(self, validated_data):
        objectives = validated_data.pop("objectives", [])
        return services.compact_create(user=self.context["request"].user,
                                       objectives=objectives, **validated_data)

    def update(self, instance, validated_data):
        objectives = validated_data.pop("objectives", None)
        return services.compact_update(
            user=self.context["request"].user, compact=instance, data=validated_data,
            objectives=objectives,
        )


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Extension
        fields = ["id", "compact", "signed_on", "new_end_date", "reason"]
        read_only_fields = ["compact"]


class AwardSerializer(serializers.ModelSerializer):
    implementer = serializers.CharField(source="implementer.name", max_length=255)
    pillars = serializers.ListField(
        child=serializers.ChoiceField(choices=Pillar.choices), allow_empty=False
    )

    class Meta:
        model = Award
        fields = [
            "id",
            "compact",
            "implementer",
            "mechanism",
            "award_number",
            "amount_usd",
            "start_date",
            "end_date",
            "pillars",
            "is_sample",
        ]

    def create(self, validated_data):
        implementer = services.implementer_get_or_create(
            name=validated_data.pop("implementer")["name"]
        )
        return services.award_create(user=self.context["request"].user,
                                     implementer=implementer, **validated_data)

    def update(self, instance, validated_data):
        if "implementer" in validated_data:
            validated_data["implementer"] = services.implementer_get_or_create(
                name=validated_data.pop("implementer")["name"]
            )
        return services.award_update(user=self.context["request"].user, award=instance,
                                     data=validated_data)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    countries = serializers.ListField(child=serializers.CharField())
    sees_every_country = serializers.BooleanField()




class GuidanceDocumentSerializer(serializers.ModelSerializer):
    """A version of the program guidance (API.md v1.2). Staff record it; a second staff
    member confirms its passage on targets (``POST .../<id>/confirm/``)."""

    document = serializers.FileField(write_only=True, required=False, allow_empty_file=False,
                                     validators=[validate_evidence])
    document_url = serializers.SerializerMethodField()
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                               allow_null=True)
    confirmed_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                                allow_null=True)

    class Meta:
        model = GuidanceDocument
        fields = ["id", "title", "version", "effective_from", "targets_passage", "document",
                  "document_url", "recorded_by", "recorded_at", "confirmed_by",
                  "confirmed_at", "is_sample"]
        read_only_fields = ["recorded_at", "confirmed_at", "is_sample"]
        # The model's own rules (unique version, passage wording) answer with its wording.
        validators = []

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_document_url(self, guidance) -> str | None:
        if not guidance.document:
            return None
        return reverse("compacts:guidance-document", args=[guidance.pk])

    def create(self, validated_data):
        return services.guidance_document_create(user=self.context["request"].user,
                                                 **validated_data)


class FiscalYearStateSerializer(serializers.Serializer):
    """A fiscal year of a compact and whether it is locked (compacts.year_locks)."""

    fiscal_year = serializers.IntegerField()
    locked = serializers.BooleanField()
    explicit = serializers.BooleanField(
        help_text="True when TIP staff locked or unlocked the year; false when the state "
                  "follows the rule (locked from auto_locks_on).")
    reason = serializers.CharField(help_text="The reason staff gave, when they did.")
    changed_by = serializers.CharField(allow_null=True)
    changed_at = serializers.DateTimeField(allow_null=True)
    auto_locks_on = serializers.DateField(
        help_text="The day the year locks by itself, its dialogue window (120 days after "
                  "the fiscal year) having closed, unless staff decided otherwise.")


class YearLockReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                   help_text="Why; required to unlock.")
