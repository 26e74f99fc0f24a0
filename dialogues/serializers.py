from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from cpc.access.scoping import scope_any
from cpc.fiscal import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN
from cpc.services import REASON_MAX_LENGTH
from cpc.validators import NOTE_MAX, validate_sane_date
from indicators import target_links
from indicators.models import Indicator, Target
from indicators.serializers import PrivateDocumentSerializer

from . import services
from .models import (
    ERR_SETTING_OTHER_COMPACT,
    ActionItem,
    Dialogue,
    DialogueAttachment,
    Discussion,
    Participant,
    TargetProposal,
)


class DialogueSerializer(serializers.ModelSerializer):
    # The views narrow these choices to what the user may change.
    key_indicators = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Indicator.objects.none()
    )
    # Why a dialogue is closed when ``status`` becomes ``closed`` with a check that would read
    # not met (kept in its history, not a field of the dialogue).
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                   max_length=REASON_MAX_LENGTH)

    class Meta:
        model = Dialogue
        fields = [
            "id", "compact", "fiscal_year", "scheduled_for", "held_on", "format", "status",
            "key_indicators", "key_indicators_identified_on", "key_indicators_shared_on",
            "key_indicators_shared_via", "key_indicators_shared_note", "summary",
            "contributions_discussed", "contributions_notes", "sustainability_discussed",
            "sustainability_notes", "created_at", "updated_at", "key_indicators_recorded_at",
            "key_indicators_shared_recorded_at", "sustainability_recorded_at", "reason",
        ]
        read_only_fields = ["key_indicators_identified_on", "created_at", "updated_at",
                            "key_indicators_recorded_at", "key_indicators_shared_recorded_at",
                            "sustainability_recorded_at"]
        # One dialogue per compact and year is checked by the model (field-level 400).
        validators = []

    def __init__(self, *args, compacts=None, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        if compacts is not None:
            self.fields["compact"].queryset = compacts
        if indicators is not None:
            self.fields["key_indicators"].child_relation.queryset = indicators

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # The compact and the fiscal year of an existing dialogue do not move.
            fields["compact"].read_only = True
        return fields


class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "dialogue", "name", "organization", "side"]
        read_only_fields = ["dialogue"]


class DiscussionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Discussion
        fields = ["id", "dialogue", "indicator", "notes", "target_value", "actual_value",
                  "actual_fiscal_year", "was_key_indicator", "recorded_by", "recorded_at"]
        # The server stamps the figures when the discussion is recorded; a client's are ignored.
        read_only_fields = ["dialogue", "target_value", "actual_value", "actual_fiscal_year",
                            "was_key_indicator", "recorded_by", "recorded_at"]

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        if indicators is not None:
            self.fields["indicator"].queryset = indicators


class ActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "dialogue", "description", "owner", "due_on", "status",
                  "carried_over_from"]
        read_only_fields = ["dialogue", "carried_over_from"]


class HoldSerializer(serializers.Serializer):
    held_on = serializers.DateField(validators=[validate_sane_date])


class ReasonSerializer(serializers.Serializer):
    """Closing (needed when a check would read not met once closed) and reopening (always
    needed): why, at least ``dialogues.services.REASON_MIN_LENGTH`` characters, checked by
    the service; the history keeps it."""

    reason = serializers.CharField(required=False, allow_blank=True,
                                   max_length=REASON_MAX_LENGTH, default="")


class AgreedTargetSerializer(serializers.Serializer):
    """What ``POST /dialogues/<id>/targets/`` takes: a target proposed at the dialogue (for
    the dialogue's fiscal year unless another is given)."""

    id = serializers.IntegerField(read_only=True)
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.none())
    fiscal_year = serializers.IntegerField(
        min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX, required=False)
    value = serializers.DecimalField(max_digits=18, decimal_places=4)
    set_at_dialogue = serializers.IntegerField(source="dialogue_setting.dialogue_id",
                                               read_only=True)

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        if indicators is not None:
            self.fields["indicator"].queryset = indicators


class TargetProposalSerializer(serializers.ModelSerializer):
    """A target proposed at a dialogue and TIP staff's decision on it (read-only: proposals
    are made through ``/dialogues/<id>/targets/`` and decided through accept / reject)."""

    proposed_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                               allow_null=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                              allow_null=True)
    # The field clients of ``/dialogues/<id>/targets/`` read before proposals existed.
    set_at_dialogue = serializers.IntegerField(source="dialogue_id", read_only=True)

    class Meta:
        model = TargetProposal
        fields = ["id", "dialogue", "indicator", "fiscal_year", "value", "replaces_value",
                  "status", "proposed_by", "proposed_at", "decided_by", "decided_at",
                  "decision_note", "set_at_dialogue"]
        read_only_fields = fields


class SetTargetSerializer(serializers.ModelSerializer):
    """A target whose value was set at the dialogue."""

    set_at_dialogue = serializers.IntegerField(source="dialogue_setting.dialogue_id",
                                               read_only=True)

    class Meta:
        model = Target
        fields = ["id", "indicator", "fiscal_year", "value", "set_at_dialogue"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    decision_note = serializers.CharField(required=False, allow_blank=True, default="",
                                          max_length=NOTE_MAX)


class AttachmentSerializer(PrivateDocumentSerializer):
    """A dialogue's document (agenda, discussion_questions, summary, minutes, other)."""

    owner_field = "dialogue"
    file_url_name = "dialogue-attachment-file"

    class Meta(PrivateDocumentSerializer.Meta):
        model = DialogueAttachment
        fields = ["id", "dialogue", "kind", *PrivateDocumentSerializer.Meta.fields]
        read_only_fields = ["dialogue", *PrivateDocumentSerializer.Meta.read_only_fields]


class SetAtDialogueField(serializers.PrimaryKeyRelatedField):
    """``set_at_dialogue`` of ``/api/v1/targets/``: the dialogue at which the target was
    agreed (its ``TargetSetting``), or null."""

    def get_attribute(self, instance):
        setting = getattr(instance, "dialogue_setting", None)
        return PKOnlyObject(pk=setting.dialogue_id) if setting is not None else None


def _set_at_dialogue_field(user) -> SetAtDialogueField:
    # A dialogue the user does not see is no choice (400).
    return SetAtDialogueField(queryset=scope_any(Dialogue.objects.all(), user),
                              allow_null=True, required=False)


def _same_compact(indicator: Indicator, dialogue: Dialogue | None) -> None:
    if dialogue is not None and dialogue.compact_id != indicator.compact_id:
        raise serializers.ValidationError({"set_at_dialogue": [ERR_SETTING_OTHER_COMPACT]})


def _record_setting(user, target: Target, dialogue: Dialogue | None) -> None:
    services.target_setting_record(user=user, target=target, dialogue=dialogue)


def register_target_link() -> None:
    """Give ``/api/v1/targets/`` its ``set_at_dialogue`` (``indicators.target_links``)."""
    target_links.register(target_links.TargetLink(
        name="set_at_dialogue", field=_set_at_dialogue_field, validate=_same_compact,
        save=_record_setting, related="dialogue_setting"))
