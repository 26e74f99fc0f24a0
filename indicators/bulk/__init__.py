"""Bulk entry of a fiscal year's results from a spreadsheet.

``build_template`` writes the template (``template``); ``read_upload`` reads a filled-in one
and ``apply`` writes its changed rows through the result services, all or nothing
(``upload``). The rules (units, percent parts, disaggregation totals, review) live in the
services and models only; here a cell's text becomes a number, nothing more. The layout, the
outcome and each row's version are in ``layout``.
"""

from .layout import (
    COLUMN,
    ENTRY,
    ERR_HEADER,
    ERR_NO_INDICATORS,
    ERR_NOT_XLSX,
    ERR_NUMBER,
    ERR_ROWS,
    ERR_SHEETS,
    ERR_SIGNATURE,
    ERR_STALE,
    FIRST_ROW,
    HEADER,
    HEADER_ROW,
    META_SHEET,
    PARTS,
    PREVIEW_DIR,
    PREVIEW_MAX_AGE,
    SHEET,
    SIGNING_SALT,
    Change,
    FileRefused,
    Outcome,
    RowError,
    UploadRow,
    _letter,
    indicators_for,
    row_version,
)
from .template import build_template, content_digest, sweep_previews
from .upload import FIELD_COLUMNS, apply, read_upload

__all__ = [
    "COLUMN", "ENTRY", "ERR_HEADER", "ERR_NOT_XLSX", "ERR_NO_INDICATORS", "ERR_NUMBER",
    "ERR_ROWS", "ERR_SHEETS", "ERR_SIGNATURE", "ERR_STALE", "FIELD_COLUMNS", "FIRST_ROW",
    "HEADER", "HEADER_ROW", "META_SHEET", "PARTS", "PREVIEW_DIR", "PREVIEW_MAX_AGE", "SHEET",
    "SIGNING_SALT", "Change", "FileRefused", "Outcome", "RowError", "UploadRow", "_letter",
    "apply", "build_template", "content_digest", "indicators_for", "read_upload",
    "row_version", "sweep_previews",
]
