"""Annual dialogues: the program's primary monitoring meeting (``dialogue``), what was
recorded at it (``records``) and the targets proposed at it (``proposals``)."""

from .dialogue import (
    DIALOGUE_DAYS_AFTER_FISCAL_YEAR,
    ERR_DATE_OUTSIDE_COMPACT,
    ERR_DATE_OUTSIDE_FISCAL_YEAR,
    ERR_HELD_BEFORE_IDENTIFIED,
    ERR_HELD_BEFORE_SCHEDULED,
    ERR_HELD_BEFORE_SHARED,
    ERR_SHARED_BEFORE_IDENTIFIED,
    ERR_SHARED_IN_FUTURE,
    ERR_SHARED_NOT_IDENTIFIED,
    ERR_SHARED_OTHER_NEEDS_NOTE,
    ERR_SHARED_VIA_WITHOUT_DATE,
    Dialogue,
    DialogueFormat,
    DialogueStatus,
    SharingChannel,
)
from .proposals import (
    ERR_DECISION_NOTE_REQUIRED,
    ERR_PROPOSAL_OTHER_COMPACT,
    ERR_PROPOSAL_PAST_YEAR,
    TargetProposal,
    TargetProposalStatus,
)
from .records import (
    DISCUSSION_NOTES_MIN_CHARS,
    ERR_ACTION_ITEM_DUPLICATE,
    ERR_DISCUSSION_STAYS,
    ERR_NOTES_TOO_SHORT,
    ERR_PARTICIPANT_DUPLICATE,
    OUTCOME_KINDS,
    PREPARATION_KINDS,
    ActionItem,
    ActionItemQuerySet,
    ActionItemStatus,
    AttachmentKind,
    DialogueAttachment,
    Discussion,
    Participant,
    Side,
)

__all__ = [
    "DIALOGUE_DAYS_AFTER_FISCAL_YEAR", "DISCUSSION_NOTES_MIN_CHARS", "ERR_ACTION_ITEM_DUPLICATE",
    "ERR_DATE_OUTSIDE_COMPACT", "ERR_DATE_OUTSIDE_FISCAL_YEAR", "ERR_DECISION_NOTE_REQUIRED",
    "ERR_DISCUSSION_STAYS", "ERR_HELD_BEFORE_IDENTIFIED", "ERR_HELD_BEFORE_SCHEDULED",
    "ERR_HELD_BEFORE_SHARED", "ERR_NOTES_TOO_SHORT", "ERR_PARTICIPANT_DUPLICATE",
    "ERR_PROPOSAL_OTHER_COMPACT", "ERR_PROPOSAL_PAST_YEAR", "ERR_SHARED_BEFORE_IDENTIFIED",
    "ERR_SHARED_IN_FUTURE", "ERR_SHARED_NOT_IDENTIFIED", "ERR_SHARED_OTHER_NEEDS_NOTE",
    "ERR_SHARED_VIA_WITHOUT_DATE", "OUTCOME_KINDS", "PREPARATION_KINDS", "ActionItem",
    "ActionItemQuerySet", "ActionItemStatus", "AttachmentKind", "Dialogue",
    "DialogueAttachment", "DialogueFormat", "DialogueStatus", "Discussion", "Participant",
    "SharingChannel", "Side", "TargetProposal", "TargetProposalStatus",
]
