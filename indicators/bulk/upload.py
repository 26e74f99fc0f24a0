"""Reading an uploaded results template and applying it.

``read_upload`` checks the file (XLSX, size, sheets, headers, the signed list of indicators)
and reads the rows; ``apply`` writes every changed row through ``services.result_record`` /
``result_update`` in one transaction, each row in its own savepoint so that all errors show
at once, and rolls everything back when any row fails (or always, for a preview).

A row whose result changed since the download (its record version differs, the rule of
``cpc.versions``) and that the file changes is refused, never written over.
"""

from decimal import Decimal, InvalidOperation

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction

from compacts.year_locks import ensure_year_open
from cpc import spreadsheets
from cpc.spreadsheets import SpreadsheetRefused
from cpc.versions import RecordChanged, check_version

from .. import services
from ..models import Result, Unit
from ..versions import NO_RECORD
from .layout import (
    COLUMN,
    ENTRY,
    ERR_HEADER,
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
    SHEET,
    SIGNING_SALT,
    Change,
    FileRefused,
    Outcome,
    RowError,
    UploadRow,
    _letter,
    digest,
    indicators_for,
)


def read_upload(content: bytes, *, compact, fiscal_year: int) -> list[UploadRow]:
    """The rows of an uploaded template, or ``FileRefused`` saying what is wrong.

    The file's size, unpacked size, cells and rows are checked before it is opened
    (``cpc.spreadsheets.check_workbook``); it is then read row by row, never whole."""
    try:
        workbook = spreadsheets.open_workbook(content)
    except SpreadsheetRefused as refused:
        raise FileRefused(ERR_NOT_XLSX if refused.code == "not_workbook"
                          else refused.message) from refused
    try:
        return _read_template(workbook, compact=compact, fiscal_year=fiscal_year)
    except SpreadsheetRefused as refused:
        raise FileRefused(ERR_NOT_XLSX if refused.code == "not_workbook"
                          else refused.message) from refused
    finally:
        workbook.close()


def _read_template(workbook, *, compact, fiscal_year: int) -> list[UploadRow]:
    if workbook.sheetnames != [SHEET, META_SHEET]:
        raise FileRefused(ERR_SHEETS.format(sheets=f"“{SHEET}” and “{META_SHEET}”"))
    codes = _signed_codes(workbook, compact=compact, fiscal_year=fiscal_year)
    # One column past the template's shows a header added at its end.
    rows = spreadsheets.sheet_rows(workbook[SHEET], min_row=HEADER_ROW, max_col=len(HEADER) + 1)
    _check_header(next(rows, []))
    body = _body(rows, len(codes))
    return [_upload_row(FIRST_ROW + offset, values, code)
            for offset, (values, code) in enumerate(zip(body, codes, strict=True))]


def _signed_codes(workbook, *, compact, fiscal_year: int) -> list[str]:
    """The indicator codes the template was downloaded with, signed for this compact and
    fiscal year."""
    meta = next(spreadsheets.sheet_rows(workbook[META_SHEET], min_row=2, max_col=1), [None])
    try:
        signed = signing.loads(str(meta[0] or ""), salt=SIGNING_SALT)
    except signing.BadSignature as error:
        raise FileRefused(ERR_SIGNATURE) from error
    if signed.get("compact") != compact.pk or signed.get("year") != fiscal_year:
        raise FileRefused(ERR_SIGNATURE)
    return signed["codes"]


def _check_header(values) -> None:
    header = [str(v).strip() if v is not None else "" for v in values]
    while header and header[-1] == "":
        header.pop()
    if header != HEADER:
        raise FileRefused(ERR_HEADER.format(row=HEADER_ROW, expected=", ".join(HEADER)))


def _body(rows, count: int) -> list:
    """The non-empty rows below the header: exactly one per indicator of the template."""
    body = []
    for values in rows:
        if any(v not in (None, "") for v in values):
            body.append(values)
            if len(body) > count:  # no need to read further
                break
    if len(body) != count:
        raise FileRefused(ERR_ROWS.format(row=FIRST_ROW + min(len(body), count),
                                          expected=f"{count} indicator rows"))
    return body


def _upload_row(number: int, values, code: str) -> UploadRow:
    values = list(values) + [None] * (len(HEADER) - len(values))
    if str(values[0] or "").strip() != code:
        raise FileRefused(ERR_ROWS.format(row=number, expected=code))
    return UploadRow(row=number, code=code,
                     cells={name: values[COLUMN[name] - 1] for name in ENTRY},
                     version=str(values[COLUMN["row version"] - 1] or ""))


def _decimal(raw, name, row, errors) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raw = str(raw)
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
        if not value.is_finite():
            raise InvalidOperation
        return value
    except (InvalidOperation, ValueError):
        errors.append(RowError(row, _letter(name), ERR_NUMBER.format(text=raw)))
        return None


def _shown(value, numerator, denominator, unit) -> str:
    if unit == Unit.PERCENT:
        if numerator is None and denominator is None:
            return "nothing"
        return f"{_plain(numerator)} / {_plain(denominator)}"
    return "nothing" if value is None else _plain(value)


def _plain(value) -> str:
    if value is None:
        return "-"
    value = Decimal(value).normalize()
    return format(value, "f")


# Where a service's error shows: the field's column.
FIELD_COLUMNS = {"value": "value", "numerator": "numerator", "denominator": "denominator",
                 "disaggregations": ENTRY[3], "source": "source", "change_reason": "value",
                 "fiscal_year": "value", "indicator": "value"}


def apply(*, user, compact, fiscal_year: int, rows: list[UploadRow], change_reason: str = "",
          write: bool) -> Outcome:
    """Check (and with ``write``, save) every changed row; nothing is saved unless all are."""
    outcome = Outcome()
    indicators = {i.code: i for i in indicators_for(user=user, compact=compact,
                                                    fiscal_year=fiscal_year)}
    with transaction.atomic():
        ensure_year_open(compact, fiscal_year)  # the whole upload is of one year
        results = {r.indicator_id: r for r in Result.objects.select_for_update(of=("self",))
                   .filter(indicator__compact=compact, fiscal_year=fiscal_year)
                   .select_related("indicator").prefetch_related("disaggregations")}
        for row in rows:
            indicator = indicators.get(row.code)
            if indicator is None:  # dropped since the download
                outcome.errors.append(RowError(row.row, "A", ERR_SIGNATURE))
                continue
            _apply_row(user, indicator, results.get(indicator.pk), row, fiscal_year,
                       change_reason, outcome)
        if outcome.errors or not write:
            transaction.set_rollback(True)
    return outcome


def _row_entry(row: UploadRow, indicator, errors: list[RowError]):
    """The row's figures (a percent's value left out), its parts and its source."""
    numbers = {name: _decimal(row.cells[name], name, row.row, errors)
               for name in ENTRY if name != "source"}
    source = str(row.cells["source"] or "").strip()
    parts = [{"sex": sex, "age_group": age, "value": numbers[f"{sex} {age}"]}
             for sex, age in PARTS if numbers[f"{sex} {age}"] is not None]
    figures = {"value": numbers["value"], "numerator": numbers["numerator"],
               "denominator": numbers["denominator"]}
    if indicator.unit == Unit.PERCENT:
        figures["value"] = None
    return figures, parts, source


def _changed_since_download(result: Result | None, version: str) -> bool:
    """Whether the row's result is no longer the one downloaded (a row whose version was
    cleared counts as changed)."""
    downloaded = version.partition(":")[0]
    if result is None or downloaded in ("", NO_RECORD):
        return result is not None or downloaded != NO_RECORD
    try:
        check_version(result, downloaded)
    except RecordChanged:
        return True
    return False


def _apply_row(user, indicator, result, row, fiscal_year, change_reason, outcome):
    errors: list[RowError] = []
    figures, parts, source = _row_entry(row, indicator, errors)
    if errors:
        outcome.errors.extend(errors)
        return
    before = _shown(None if result is None else result.value,
                    None if result is None else result.numerator,
                    None if result is None else result.denominator, indicator.unit)
    after = _shown(figures["value"], figures["numerator"], figures["denominator"],
                   indicator.unit)
    given = digest(figures["value"], figures["numerator"], figures["denominator"],
                   {(p["sex"], p["age_group"]): p["value"] for p in parts}, source)
    if given == row.version.partition(":")[2]:
        return  # the row as downloaded: whatever is saved now stays
    if _changed_since_download(result, row.version):
        outcome.errors.append(RowError(row.row, _letter("value"), ERR_STALE.format(now=before)))
        return
    try:
        with transaction.atomic():
            action = _save_row(user, indicator, result, fiscal_year, figures, parts, source,
                               change_reason)
    except ValidationError as error:
        outcome.errors.extend(_service_errors(error, indicator, row))
        return
    outcome.changes.append(Change(row.row, row.code, before, after, action))


def _save_row(user, indicator, result, fiscal_year, figures, parts, source,
              change_reason) -> str:
    """Record or change the row's result through the services; say which."""
    figures = dict(figures)
    if indicator.unit == Unit.PERCENT:
        figures.pop("value")
    if result is None:
        services.result_record(user=user, indicator=indicator, fiscal_year=fiscal_year,
                               disaggregations=parts, source=source, **figures)
        return "record"
    services.result_update(user=user, result=result, data=dict(figures, source=source),
                           disaggregations=parts, change_reason=change_reason)
    return "update"


def _service_errors(error: ValidationError, indicator, row: UploadRow) -> list[RowError]:
    """A service's errors, each in the column of the field it is about."""
    messages = error.message_dict if hasattr(error, "error_dict") else {
        "value": error.messages}
    errors = []
    for name, texts in messages.items():
        column = _letter(FIELD_COLUMNS.get(name, "value"))
        if indicator.unit == Unit.PERCENT and column == _letter("value"):
            column = _letter("numerator")  # a percent's value is computed from its parts
        errors.extend(RowError(row.row, column, text) for text in texts)
    return errors
