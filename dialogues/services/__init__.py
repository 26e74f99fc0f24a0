"""Every write to annual dialogues, one module a family: the dialogue itself
(``dialogue``), the rows of its record (``rows``), the record kept step by step (``steps``),
the figures a dialogue discusses (``figures``) and the dialogue a target was agreed at
(``targets``). Each write takes the acting user and refuses one who may not record in the
dialogue's country (``common``)."""

from .common import ERR_CLOSED, ERR_MAY_NOT_CHANGE, ensure_may_change, ensure_may_record
from .dialogue import (
    ALLOWED_MOVES,
    ERR_CLOSE_NEEDS_REASON,
    ERR_CLOSE_NEEDS_SUMMARY,
    ERR_CREATE_NOT_PLANNED,
    ERR_HELD_ON_LATER,
    ERR_HOLD_IN_FUTURE,
    ERR_HOLD_NEEDS_DATE,
    ERR_KEY_INDICATOR_OTHER_COMPACT,
    ERR_MOVE,
    ERR_ONLY_STAFF_REOPEN,
    ERR_PREPARATION_FROZEN,
    ERR_REOPEN_NEEDS_REASON,
    ERR_REOPEN_NOT_CLOSED,
    ERR_YEAR_OUTSIDE_COMPACT,
    REASON_LOADED_CLOSED,
    REASON_MIN_LENGTH,
    SERVER_TIMES,
    SHARING_FIELDS,
    close_reason,
    dialogue_create,
    dialogue_move,
    dialogue_reopen,
    dialogue_update,
)
from .figures import IndicatorFigures, YearFigures, indicator_figures, indicator_recent_years
from .rows import (
    ERR_INDICATOR_OTHER_COMPACT,
    action_item_add,
    action_item_update,
    attachment_add,
    discussion_record,
    participant_add,
    participant_remove,
    participant_update,
)
from .steps import (
    STEPS,
    Row,
    RowRefused,
    record_closing,
    record_holding,
    record_outcomes,
    record_preparation,
    review_closing,
    step_rows,
    step_version,
)
from .targets import target_setting_record

__all__ = [
    "ALLOWED_MOVES", "ERR_CLOSED", "ERR_CLOSE_NEEDS_REASON", "ERR_CLOSE_NEEDS_SUMMARY",
    "ERR_CREATE_NOT_PLANNED", "ERR_HELD_ON_LATER", "ERR_HOLD_IN_FUTURE", "ERR_HOLD_NEEDS_DATE",
    "ERR_INDICATOR_OTHER_COMPACT", "ERR_KEY_INDICATOR_OTHER_COMPACT", "ERR_MAY_NOT_CHANGE",
    "ERR_MOVE", "ERR_ONLY_STAFF_REOPEN", "ERR_PREPARATION_FROZEN", "ERR_REOPEN_NEEDS_REASON",
    "ERR_REOPEN_NOT_CLOSED", "ERR_YEAR_OUTSIDE_COMPACT", "REASON_LOADED_CLOSED",
    "REASON_MIN_LENGTH", "SERVER_TIMES", "SHARING_FIELDS", "STEPS", "IndicatorFigures", "Row",
    "RowRefused", "YearFigures", "action_item_add", "action_item_update", "attachment_add",
    "close_reason", "dialogue_create", "dialogue_move", "dialogue_reopen", "dialogue_update",
    "discussion_record", "ensure_may_change", "ensure_may_record", "indicator_figures",
    "indicator_recent_years", "participant_add", "participant_remove", "participant_update",
    "record_closing", "record_holding", "record_outcomes", "record_preparation",
    "review_closing", "step_rows", "step_version", "target_setting_record",
]
