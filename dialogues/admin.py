from django.contrib import admin

from cpc.access.admin import ScopedAdmin, ScopedChoicesMixin
from indicators.admin import PrivateDocumentInline

from .models import (
    ActionItem,
    Dialogue,
    DialogueAttachment,
    Discussion,
    Participant,
    TargetProposal,
    TargetSetting,
)


class ParticipantInline(ScopedChoicesMixin, admin.TabularInline):
    model = Participant
    extra = 0


class ActionItemInline(ScopedChoicesMixin, admin.TabularInline):
    model = ActionItem
    extra = 0
    fk_name = "dialogue"


class DialogueAttachmentInline(PrivateDocumentInline):
    model = DialogueAttachment
    fields = readonly_fields = ["kind", *PrivateDocumentInline.fields]


class TargetSettingInline(admin.TabularInline):
    """The targets whose value was agreed at the dialogue, read-only: they are set through
    accepted proposals and ``set_at_dialogue`` of ``/api/v1/targets/``."""

    model = TargetSetting
    extra = 0
    fields = readonly_fields = ["target"]
    verbose_name = "target agreed at this dialogue"
    verbose_name_plural = "targets agreed at this dialogue"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Dialogue)
class DialogueAdmin(ScopedAdmin):
    country_path = "compact__country"
    list_display = ["compact", "fiscal_year", "status", "scheduled_for", "held_on"]
    list_filter = ["status", "fiscal_year"]
    # What the checks time change only through the pages and the API
    # (``dialogues.services``): the key indicators and their sharing (stamped when recorded,
    # frozen once the dialogue is held), its status (planned → held → closed, never back),
    # the day it was held (never moved later), its year, and the sustainability discussion
    # (stamped when recorded).
    readonly_fields = ["fiscal_year", "status", "held_on", "key_indicators",
                       "key_indicators_identified_on", "key_indicators_recorded_at",
                       "key_indicators_shared_on", "key_indicators_shared_via",
                       "key_indicators_shared_note", "key_indicators_shared_recorded_at",
                       "sustainability_discussed", "sustainability_notes",
                       "sustainability_recorded_at"]
    inlines = [ParticipantInline, ActionItemInline, DialogueAttachmentInline,
               TargetSettingInline]


@admin.register(Discussion)
class DiscussionAdmin(ScopedAdmin):
    country_path = "dialogue__compact__country"
    list_display = ["dialogue", "indicator", "was_key_indicator", "recorded_at"]
    readonly_fields = ["target_value", "actual_value", "actual_fiscal_year", "was_key_indicator",
                       "recorded_by"]


@admin.register(ActionItem)
class ActionItemAdmin(ScopedAdmin):
    country_path = "dialogue__compact__country"
    list_display = ["description", "dialogue", "owner", "due_on", "status"]
    list_filter = ["status"]


@admin.register(TargetProposal)
class TargetProposalAdmin(ScopedAdmin):
    """Read-only: proposals are made at dialogues and decided by TIP staff through the pages
    and the API, which keep the stale-target check and write the target."""

    country_path = "dialogue__compact__country"
    list_display = ["indicator", "fiscal_year", "value", "status", "dialogue", "proposed_by",
                    "decided_by"]
    list_filter = ["status", "fiscal_year"]
    list_select_related = ["indicator", "dialogue__compact__country", "proposed_by",
                           "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
