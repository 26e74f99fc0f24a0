from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cpc.validators import NOTE_MAX, validate_sane_date

from .models import GaoAgencyAction, GaoRecommendation, RecommendationStatus


class GaoAgencyActionSerializer(serializers.ModelSerializer):
    evidence_file_url = serializers.SerializerMethodField()

    class Meta:
        model = GaoAgencyAction
        fields = ["id", "date", "period", "description", "evidence", "evidence_file_url",
                  "created_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_evidence_file_url(self, action) -> str | None:
        if not action.evidence_file:
            return None
        return reverse("oversight:gao-action-evidence", args=[action.pk])


class GaoRecommendationSerializer(serializers.ModelSerializer):
    actions = GaoAgencyActionSerializer(many=True, read_only=True)

    class Meta:
        model = GaoRecommendation
        fields = ["id", "number", "text", "status", "status_as_of", "status_reported",
                  "status_note", "concurrence", "actions"]
        read_only_fields = fields


class GaoRecommendationStatusSerializer(serializers.Serializer):
    """PATCH: GAO's status, with the reason the history keeps (required)."""

    status = serializers.ChoiceField(choices=RecommendationStatus.choices, required=False)
    status_as_of = serializers.DateField(required=False, validators=[validate_sane_date])
    status_note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX)
    change_reason = serializers.CharField(max_length=2000)
