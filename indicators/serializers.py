from django.urls import reverse
from rest_framework import serializers

from compacts.selectors import award_list
from cpc.uploads import validate_upload
from cpc.validators import NOTE_MAX

from . import selectors, services, target_links
from .models import (
    AgeGroup,
    Disaggregation,
    Indicator,
    Result,
    ResultDocument,
    Sex,
    StandardIndicator,
    Target,
)
from .progress import STATUSES


class StandardIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = StandardIndicator
        fields = ["id", "code", "name", "pillar", "unit", "direction", "cumulation",
                  "definition", "name_es", "name_fr", "definition_es", "definition_fr"]


class ScopedFieldsMixin:
    """Relation fields only offer what the user may change; on update the parent is fixed."""

    fixed_on_update: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        self.scope_fields(fields, user)
        if self.instance is not None:
            for name in self.fixed_on_update:
                fields[name].read_only = True
        return fields

    def scope_fields(self, fields, user) -> None:  # pragma: no cover - overridden
        pass


class IndicatorSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    fixed_on_update = ("compact", "standard")
    change_reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True,
        max_length=services.CHANGE_REASON_MAX_LENGTH,
        help_text="Why the tracked years change; required when a year already begun is "
                  "dropped, kept in the history.",
    )

    class Meta:
        model = Indicator
        validators = []  # one-per-year and unique codes: the model reports them per field
        fields = [
            "id", "compact", "standard", "code", "name", "definition", "pillar", "unit",
            "direction", "cumulation", "tolerance_percent", "baseline_value", "baseline_year",
            "is_key", "first_fiscal_year", "last_fiscal_year", "created_at", "awards",
            "change_reason", "is_sample",
            # Optional wording in Spanish and French; blank reads the English (docs/i18n.md).
            "name_es", "name_fr", "definition_es", "definition_fr",
        ]
        # Copied from the standard indicator when one is given; the service reports blanks.
        extra_kwargs = {name: {"required": False} for name in ("code", "name", "pillar", "unit")}

    def scope_fields(self, fields, user):
        fields["compact"].queryset = selectors.compact_changeable_list(user=user)
        fields["standard"].queryset = selectors.standard_indicator_list()
        fields["awards"].child_relation.queryset = award_list(user=user)

    def create(self, validated_data):
        validated_data.pop("change_reason", None)
        return services.indicator_create(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        change_reason = validated_data.pop("change_reason", "")
        return services.indicator_update(indicator=instance, data=validated_data,
                                         user=self.context["request"].user,
                                         change_reason=change_reason)


class TargetSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """A target; fields that apps above keep about it (``target_links``, e.g. the dialogue
    at which it was agreed, ``set_at_dialogue``) read and write as its own."""

    fixed_on_update = ("indicator",)

    class Meta:
        model = Target
        validators = []  # one-per-year and unique codes: the model reports them per field
        fields = ["id", "indicator", "fiscal_year", "value", "created_at", "recorded_at",
                  "is_sample"]
        read_only_fields = ["recorded_at", "is_sample"]

    def _user(self):
        return getattr(self.context.get("request"), "user", None)

    def get_fields(self):
        fields = super().get_fields()
        # After the value, where clients have always read them.
        own = list(fields.items())
        at = [name for name, _field in own].index("value") + 1
        links = [(link.name, link.field(self._user())) for link in target_links.registered()]
        return dict([*own[:at], *links, *own[at:]])

    def scope_fields(self, fields, user):
        fields["indicator"].queryset = selectors.indicator_changeable_list(user=user)

    def validate(self, attrs):
        indicator = attrs.get("indicator") or getattr(self.instance, "indicator", None)
        for link in target_links.registered():
            if link.name in attrs and indicator is not None:
                link.validate(indicator, attrs[link.name])
        return attrs

    @staticmethod
    def _links(validated_data) -> dict:
        return {link.name: validated_data.pop(link.name)
                for link in target_links.registered() if link.name in validated_data}

    def create(self, validated_data):
        links = self._links(validated_data)
        return services.target_save(user=self._user(), target=None, data=validated_data,
                                    links=links)

    def update(self, instance, validated_data):
        links = self._links(validated_data)
        return services.target_save(user=self._user(), target=instance, data=validated_data,
                                    links=links)


class DisaggregationSerializer(serializers.ModelSerializer):
    sex = serializers.ChoiceField(choices=Sex.choices)
    age_group = serializers.ChoiceField(choices=AgeGroup.choices)

    class Meta:
        model = Disaggregation
        fields = ["sex", "age_group", "value"]


class ResultSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    fixed_on_update = ("indicator",)
    disaggregations = DisaggregationSerializer(many=True, required=False)
    reported_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                               allow_null=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                               allow_null=True)
    change_reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True,
        max_length=services.CHANGE_REASON_MAX_LENGTH,
        help_text="Why an approved value is changed; required for that, kept in the history.",
    )

    class Meta:
        model = Result
        validators = []  # one-per-year and unique codes: the model reports them per field
        fields = [
            "id", "indicator", "fiscal_year", "value", "numerator", "denominator",
            "disaggregations", "source", "status", "review_note", "reported_by", "reported_at",
            "reviewed_by", "reviewed_at", "change_reason", "recorded_at", "is_sample",
        ]
        read_only_fields = ["status", "review_note", "reported_at", "reviewed_at",
                            "recorded_at", "is_sample"]
        # Percent indicators compute the value from numerator and denominator.
        extra_kwargs = {"value": {"required": False}}

    def scope_fields(self, fields, user):
        fields["indicator"].queryset = selectors.indicator_recordable_list(user=user)

    def create(self, validated_data):
        validated_data.pop("change_reason", None)
        return services.result_record(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        change_reason = validated_data.pop("change_reason", "")
        disaggregations = validated_data.pop("disaggregations", None)
        return services.result_update(
            user=self.context["request"].user, result=instance, data=validated_data,
            disaggregations=disaggregations, change_reason=change_reason,
        )


class ReviewSerializer(serializers.Serializer):
    review_note = serializers.CharField(required=False, allow_blank=True, default="",
                                        max_length=NOTE_MAX)


class ProgressSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    target = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    actual = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    percent_of_target = serializers.DecimalField(max_digits=20, decimal_places=2,
                                                 allow_null=True)
    status = serializers.ChoiceField(choices=STATUSES)


class PrivateDocumentSerializer(serializers.ModelSerializer):
    """A document attached to a record. POST it as multipart form data; ``file_url``
    downloads it through a view that checks the user may see the record."""

    file = serializers.FileField(write_only=True, allow_empty_file=False,
                                 validators=[validate_upload])
    filename = serializers.CharField(read_only=True)
    file_url = serializers.SerializerMethodField()

    owner_field = ""  # the record the document belongs to
    file_url_name = ""  # its download route, taking the record's id and the document's

    class Meta:
        fields = ["id", "title", "file", "filename", "file_url", "uploaded_by", "uploaded_at"]
        read_only_fields = ["uploaded_by", "uploaded_at"]

    def get_file_url(self, document) -> str:
        owner_id = getattr(document, f"{self.owner_field}_id")
        return reverse(self.file_url_name, args=[owner_id, document.pk])


class ResultDocumentSerializer(PrivateDocumentSerializer):
    owner_field = "result"
    file_url_name = "result-document-file"

    class Meta(PrivateDocumentSerializer.Meta):
        model = ResultDocument
        fields = ["id", "result", *PrivateDocumentSerializer.Meta.fields]
        read_only_fields = ["result", *PrivateDocumentSerializer.Meta.read_only_fields]
