"""The compact document and pledge representations of the API. Writes go through
:mod:`compacts.partnership.services` (TIP Office staff only)."""

from django.urls import reverse
from rest_framework import serializers

from cpc.uploads import validate_evidence

from ..models import DOCUMENT_TEXT_FIELDS, CompactDocument, PartnerPledge
from . import services
from .completeness import Completeness


class CompactDocumentSerializer(serializers.ModelSerializer):
    signed_document = serializers.FileField(write_only=True, required=False,
                                            allow_empty_file=False,
                                            validators=[validate_evidence])
    signed_document_url = serializers.SerializerMethodField()
    public_url = serializers.URLField(max_length=500, required=False, allow_blank=True)

    class Meta:
        model = CompactDocument
        fields = ["id", "compact", *DOCUMENT_TEXT_FIELDS, "signed_document",
                  "signed_document_url", "is_public", "public_url", "recorded_by",
                  "recorded_at", "is_sample"]
        read_only_fields = ["recorded_by", "recorded_at", "is_sample"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["compact"].read_only = True
        return fields

    def get_signed_document_url(self, document) -> str | None:
        if not document.signed_document:
            return None
        return reverse("compacts:document-file", args=[document.compact_id])

    def validate(self, attrs):
        # One record per compact: a second POST for the same compact is a 400 that names it.
        compact = attrs.get("compact")
        if (self.instance is None and compact is not None
                and CompactDocument.objects.filter(compact=compact).exists()):
            raise serializers.ValidationError(
                {"compact": ["This compact's document is already recorded; change it with "
                             "PATCH."]})
        return attrs

    def create(self, validated_data):
        compact = validated_data.pop("compact")
        return services.compact_document_save(user=self.context["request"].user,
                                              compact=compact, data=validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("compact", None)
        return services.compact_document_save(user=self.context["request"].user,
                                              compact=instance.compact, data=validated_data)


class PledgeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartnerPledge
        fields = ["id", "compact", "fiscal_year", "kind", "amount_local", "currency",
                  "amount_usd", "personnel_count", "source", "recorded_by", "recorded_at",
                  "is_sample"]
        read_only_fields = ["recorded_by", "recorded_at", "is_sample"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["compact"].read_only = True
        return fields

    def create(self, validated_data):
        return services.pledge_create(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("compact", None)
        return services.pledge_update(user=self.context["request"].user, pledge=instance,
                                      data=validated_data)


class ElementSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    present = serializers.BooleanField()


class CompletenessSerializer(serializers.Serializer):
    complete = serializers.BooleanField(source="is_complete")
    missing = serializers.SerializerMethodField()
    elements = ElementSerializer(many=True)

    def get_missing(self, completeness: Completeness) -> list[str]:
        return [element.key for element in completeness.missing]


class CompactDocumentAnswerSerializer(serializers.Serializer):
    compact = serializers.IntegerField()
    document = CompactDocumentSerializer(allow_null=True)
    completeness = CompletenessSerializer()
