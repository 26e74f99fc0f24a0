"""Every write to indicators, targets and results. Each service validates with ``full_clean()``
inside one transaction, so a rejected request writes nothing: ``indicators`` (a compact's
indicators and their tracked years), ``targets``, ``results`` (recording, changing, review,
source documents) and ``data_entry`` (the grid's submit, all or nothing).
"""

from .common import CHANGE_REASON_MAX_LENGTH, ERR_NOT_YOUR_COUNTRY
from .data_entry import (
    ERR_CANNOT_CLEAR,
    ERR_CELL_CHANGED,
    ERR_MAY_NOT_ENTER,
    UNCHANGED,
    CellEntry,
    CellRefusal,
    GridOutcome,
    data_entry_save,
)
from .indicators import (
    ERR_DELETE_KEY_INDICATOR,
    ERR_TARGETS_OUTSIDE_YEARS,
    ERR_TRACKING_KEY_INDICATOR,
    ERR_TRACKING_REASON_REQUIRED,
    ERR_UNIT_LOCKED,
    STANDARD_FIELDS,
    indicator_create,
    indicator_delete_refusal,
    indicator_update,
)
from .results import (
    ERR_APPROVE_OWN,
    ERR_CHANGE_REASON_REQUIRED,
    ERR_CHANGE_REASON_TOO_LONG,
    ERR_DENOMINATOR_POSITIVE,
    ERR_DISAGGREGATIONS_SUM,
    ERR_DISAGGREGATIONS_SUM_NUMERATOR,
    ERR_NOT_YOUR_AWARD,
    ERR_ONLY_STAFF_REVIEW,
    ERR_ONLY_SUBMITTED,
    ERR_PARTS_ONLY_FOR_PERCENT,
    ERR_PERCENT_PARTS_REQUIRED,
    ERR_REVIEW_NOTE_REQUIRED,
    ERR_VALUE_REQUIRED,
    PERCENT_PLACES,
    result_approve,
    result_document_add,
    result_record,
    result_return,
    result_update,
)
from .targets import target_create, target_save, target_update

__all__ = [
    "CHANGE_REASON_MAX_LENGTH", "ERR_APPROVE_OWN", "ERR_CANNOT_CLEAR", "ERR_CELL_CHANGED",
    "ERR_CHANGE_REASON_REQUIRED", "ERR_CHANGE_REASON_TOO_LONG", "ERR_DELETE_KEY_INDICATOR",
    "ERR_DENOMINATOR_POSITIVE", "ERR_DISAGGREGATIONS_SUM", "ERR_DISAGGREGATIONS_SUM_NUMERATOR",
    "ERR_MAY_NOT_ENTER", "ERR_NOT_YOUR_AWARD", "ERR_NOT_YOUR_COUNTRY", "ERR_ONLY_STAFF_REVIEW",
    "ERR_ONLY_SUBMITTED", "ERR_PARTS_ONLY_FOR_PERCENT", "ERR_PERCENT_PARTS_REQUIRED",
    "ERR_REVIEW_NOTE_REQUIRED", "ERR_TARGETS_OUTSIDE_YEARS", "ERR_TRACKING_KEY_INDICATOR",
    "ERR_TRACKING_REASON_REQUIRED", "ERR_UNIT_LOCKED", "ERR_VALUE_REQUIRED",
    "PERCENT_PLACES", "STANDARD_FIELDS", "UNCHANGED", "CellEntry", "CellRefusal", "GridOutcome",
    "data_entry_save", "indicator_create", "indicator_delete_refusal",
    "indicator_update", "result_approve", "result_document_add", "result_record",
    "result_return", "result_update", "target_create", "target_save", "target_update",
]
