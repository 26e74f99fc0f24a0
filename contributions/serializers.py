from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cpc.models import recorded_now
from cpc.uploads import validate_evidence
from cpc.validators import validate_sane_date

from . import services
from .models import Contribution, FollowUp, Measure, SustainabilityPlan

ERR_REQUEST_DATED_BY_SERVER = (_("The server dates a plan request (today); it cannot be given "
                               "another date."))


class ContributionSerializer(serializers.ModelSerializer):
    evidence = serializers.FileField(write_only=True, required=False, allow_empty_file=False,
                                     validators=[validate_evidence])
    has_evidence = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()
    # Provenance: server times, apart from the fiscal year and figures users type.
    recorded_at = serializers.DateTimeField(source="created_at", read_only=True)
    evidence_recorded_at = serializers.DateTimeField(read_only=True, allow_null=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                               allow_null=True)
    value_changed_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                                    allow_null=True)
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=2000,
        help_text=_("Why a verified contribution is changed: required for that, kept in the "
                  "history."))

    class Meta:
        model = Contribution
        fields = [
            "reason",
            "id",
            "compact",
            "fiscal_year",
            "kind",
            "description",
            "amount_local",
            "currency",
            "amount_usd",
            "personnel_count",
            "recorded_at_dialogue",
            "verified",
            "verified_by",
            "verified_at",
            "verified_amount_usd",
            "verified_amount_local",
            "verified_currency",
            "verified_personnel_count",
            "evidence",
            "has_evidence",
            "evidence_url",
            "evidence_recorded_at",
            "recorded_by",
            "value_changed_by",
            "recorded_at",
            "created_at",
            "updated_at",
            "is_sample",
        ]
        read_only_fields = ["verified", "verified_by", "verified_at", "verified_amount_usd",
                            "verified_amount_local", "verified_currency",
                            "verified_personnel_count", "is_sample"]
        # The model validates the code and the rules across fields; DRF's own unique and
        # choice checks would answer first with other wording.
        extra_kwargs = {"currency": {"validators": []}}

    def get_has_evidence(self, contribution) -> bool:
        return bool(contribution.evidence)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_evidence_url(self, contribution) -> str | None:
        if not contribution.evidence:
            return None
        return reverse("contribution-evidence", args=[contribution.pk])

    def create(self, validated_data):
        validated_data.pop("reason", None)
        return services.contribution_create(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        reason = validated_data.pop("reason", "")
        return services.contribution_update(
            contribution=instance, data=validated_data, user=self.context["request"].user,
            reason=reason)


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["description", "category", "responsible_institution", "status"]


class SustainabilityPlanSerializer(serializers.ModelSerializer):
    measures = MeasureSerializer(many=True, required=False)
    document = serializers.FileField(write_only=True, required=False, allow_empty_file=False,
                                     validators=[validate_evidence])
    has_document = serializers.SerializerMethodField()
    document_url = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = SustainabilityPlan
        fields = [
            "id",
            "compact",
            "status",
            "requested_on",
            "requested_at",
            "due_on",
            "received_on",
            "is_overdue",
            "notes",
            "measures",
            "document",
            "has_document",
            "document_url",
            "created_at",
            "updated_at",
            "recorded_at",
        ]
        # The status moves only through the request / receive / accept actions.
        read_only_fields = ["status", "requested_on", "requested_at", "due_on", "received_on",
                            "recorded_at"]

    def get_has_document(self, plan) -> bool:
        return bool(plan.document)

    def get_is_overdue(self, plan) -> bool:
        return plan.is_overdue()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_document_url(self, plan) -> str | None:
        if not plan.document:
            return None
        return reverse("sustainability-plan-document", args=[plan.pk])

    def validate_compact(self, compact):
        if self.instance is not None and compact != self.instance.compact:
            raise serializers.ValidationError(_("A plan stays with its compact."))
        return compact

    def create(self, validated_data):
        measures = validated_data.pop("measures", [])
        return services.plan_create(user=self.context["request"].user, measures=measures,
                                    **validated_data)

    def update(self, instance, validated_data):
        measures = validated_data.pop("measures", None)
        return services.plan_update(user=self.context["request"].user, plan=instance,
                                    data=validated_data, measures=measures)


class PlanRequestSerializer(serializers.Serializer):
    # Kept for clients of v1.0, which sent it: the server dates the request, so only today
    # (or nothing) is accepted.
    requested_on = serializers.DateField(required=False, validators=[validate_sane_date],
                                         write_only=True)
    due_on = serializers.DateField(validators=[validate_sane_date])

    def validate_requested_on(self, value):
        if value != timezone.localdate(recorded_now()):
            raise serializers.ValidationError(ERR_REQUEST_DATED_BY_SERVER)
        return value

    def validate(self, attrs):
        attrs.pop("requested_on", None)
        return attrs


class PlanReceiveSerializer(serializers.Serializer):
    received_on = serializers.DateField(required=False, validators=[validate_sane_date])
    document = serializers.FileField(required=False, allow_empty_file=False,
                                     validators=[validate_evidence])


class FollowUpSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True,
                                        default=None, allow_null=True)

    class Meta:
        model = FollowUp
        fields = ["id", "plan", "date", "note", "next_step", "recorded_by", "created_at"]
        read_only_fields = ["plan"]
