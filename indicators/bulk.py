"""Bulk entry of a fiscal year's results from a spreadsheet.

``build_template`` writes an XLSX of the compact's indicators tracked that year, one row each,
with the target, the saved result, its parts by sex and age group and a row version; only
the entry cells are unlocked. ``read_upload`` checks the file (XLSX, size, sheets, headers,
the signed list of indicators) and reads the rows; ``apply`` writes every changed row
through ``services.result_record`` / ``result_update`` in one transaction, each row in its
own savepoint so that all errors show at once, and rolls everything back when any row fails
(or always, for a preview). The rules (units, percent parts, disaggregation totals, review)
live in the services and models only; here a cell's text becomes a number, nothing more.

A row whose result changed since the download (its row version differs) and that the file
changes is refused, never written over.
"""

import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font, Protection
from openpyxl.utils import get_column_letter

from compacts.year_locks import ensure_year_open
from cpc import spreadsheets
from cpc.spreadsheets import SpreadsheetRefused, xlsx_row

from . import selectors, services
from .models import AgeGroup, Indicator, Result, Sex, Unit, active_in_fiscal_year

# An uploaded file waits in private storage between its preview and the confirm, for an hour
# at most (the confirm's signed token expires then); ``sweep_previews`` removes what is left.
PREVIEW_DIR = "indicators/bulk"
PREVIEW_MAX_AGE = 60 * 60
SHEET = "Results"
META_SHEET = "About"
SIGNING_SALT = "indicators.bulk.template"
HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1

PARTS = [(sex, age) for sex in Sex.values for age in AgeGroup.values]
FIXED = ["code", "indicator", "unit", "target", "status"]
ENTRY = ["value", "numerator", "denominator", *[f"{sex} {age}" for sex, age in PARTS],
         "source"]
HEADER = [*FIXED, *ENTRY, "row version"]
COLUMN = {name: index + 1 for index, name in enumerate(HEADER)}

ERR_NOT_XLSX = _("This is not an XLSX file; download the template and fill that in.")
ERR_SHEETS = _("The workbook's sheets were changed: it must hold {sheets}, as downloaded.")
ERR_HEADER = _("The headers of row {row} were changed; expected: {expected}.")
ERR_SIGNATURE = _("This file is not a template of this compact and fiscal year; download the "
                 "template again.")
ERR_ROWS = _("Rows were added, removed or moved; row {row} should be {expected}.")
ERR_NUMBER = _("“{text}” is not a number.")
ERR_STALE = _("This result was changed since the template was downloaded (it is now {now}); "
             "the row was not saved. Download a new template.")
ERR_NO_INDICATORS = _("This compact tracks no indicators in FY{year}.")


class FileRefused(Exception):
    """The file as a whole cannot be read as this compact's template."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    @property
    def cell(self) -> str:
        return f"{self.column}{self.row}"


@dataclass
class Change:
    row: int
    code: str
    before: str
    after: str
    action: str  # "record" or "update"


@dataclass
class Outcome:
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    sheet: str = SHEET

    @property
    def valid(self) -> bool:
        return not self.errors


def indicators_for(*, user, compact, fiscal_year: int) -> list[Indicator]:
    indicators = list(selectors.compact_indicators_to_record(user=user, compact=compact)
                      .filter(active_in_fiscal_year(fiscal_year))
                      .order_by("code", "pk"))
    for indicator in indicators:
        indicator.compact = compact
    return indicators


def _results(user, compact, fiscal_year) -> dict[int, Result]:
    return {r.indicator_id: r for r in selectors.result_list(user=user)
            .filter(indicator__compact=compact, fiscal_year=fiscal_year)
            .select_related("indicator").prefetch_related("disaggregations")}


def row_version(result: Result | None) -> str:
    """A digest of a saved result's entry figures ("" parts and source for none)."""
    if result is None:
        return _digest(None, None, None, {}, "")
    parts = {(p.sex, p.age_group): p.value for p in result.disaggregations.all()}
    unit = result.indicator.unit
    return _digest(None if unit == Unit.PERCENT else result.value, result.numerator,
                   result.denominator, parts, result.source)


def _digest(value, numerator, denominator, parts: dict, source: str) -> str:
    text = repr((_norm(value), _norm(numerator), _norm(denominator),
                 sorted((key, _norm(v)) for key, v in parts.items()), (source or "").strip()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _norm(value):
    return None if value is None else str(value.normalize())


def _number(value):
    return None if value is None else float(value)


def _signature(compact, fiscal_year, codes) -> str:
    return signing.dumps({"compact": compact.pk, "year": fiscal_year, "codes": codes},
                         salt=SIGNING_SALT, compress=True)


def build_template(*, user, compact, fiscal_year: int) -> bytes:
    indicators = indicators_for(user=user, compact=compact, fiscal_year=fiscal_year)
    targets = {t.indicator_id: t.value for t in selectors.target_list(user=user)
               .filter(indicator__compact=compact, fiscal_year=fiscal_year)}
    results = _results(user, compact, fiscal_year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(xlsx_row(sheet, [f"{compact.title}: results for FY{fiscal_year}"]))
    sheet.append(xlsx_row(sheet, [
        "Fill in the unlocked cells only. Percent indicators take a numerator and a "
        "denominator; parts by sex and age group, when given, add up to the value (the "
        "numerator for a percent). Do not add, remove or move rows or columns."]))
    sheet.append(xlsx_row(sheet, HEADER))
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
    for indicator in indicators:
        result = results.get(indicator.pk)
        parts = {(p.sex, p.age_group): p.value for p in result.disaggregations.all()} \
            if result else {}
        row = [indicator.code, indicator.name, indicator.unit,
               _number(targets.get(indicator.pk)),
               result.get_status_display() if result else "not reported",
               None if result is None or indicator.unit == Unit.PERCENT else float(result.value),
               _number(result.numerator) if result else None,
               _number(result.denominator) if result else None,
               *[_number(parts.get(key)) for key in PARTS],
               result.source if result else "",
               row_version(result)]
        sheet.append(xlsx_row(sheet, row))
        for name in ENTRY:
            sheet.cell(row=sheet.max_row, column=COLUMN[name]).protection = \
                Protection(locked=False)
    sheet.protection.sheet = True
    sheet.protection.formatCells = False
    sheet.protection.formatColumns = False
    sheet.column_dimensions[get_column_letter(COLUMN["row version"])].hidden = True
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=COLUMN["status"] + 1)
    meta = workbook.create_sheet(META_SHEET)
    meta.append(xlsx_row(meta, ["Template of CPC Oversight; do not change this sheet."]))
    meta.append(xlsx_row(meta, [_signature(compact, fiscal_year,
                                           [i.code for i in indicators])]))
    meta.protection.sheet = True
    meta.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class UploadRow:
    row: int
    code: str
    cells: dict  # entry column name -> raw cell value
    version: str


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
    meta = next(spreadsheets.sheet_rows(workbook[META_SHEET], min_row=2, max_col=1), [None])
    try:
        signed = signing.loads(str(meta[0] or ""), salt=SIGNING_SALT)
    except signing.BadSignature as error:
        raise FileRefused(ERR_SIGNATURE) from error
    if signed.get("compact") != compact.pk or signed.get("year") != fiscal_year:
        raise FileRefused(ERR_SIGNATURE)
    codes = signed["codes"]
    # One column past the template's shows a header added at its end.
    rows = spreadsheets.sheet_rows(workbook[SHEET], min_row=HEADER_ROW, max_col=len(HEADER) + 1)
    header = [str(v).strip() if v is not None else "" for v in next(rows, [])]
    while header and header[-1] == "":
        header.pop()
    if header != HEADER:
        raise FileRefused(ERR_HEADER.format(row=HEADER_ROW, expected=", ".join(HEADER)))
    body = []
    for values in rows:
        if any(v not in (None, "") for v in values):
            body.append(values)
            if len(body) > len(codes):  # no need to read further
                break
    if len(body) != len(codes):
        raise FileRefused(ERR_ROWS.format(row=FIRST_ROW + min(len(body), len(codes)),
                                          expected=f"{len(codes)} indicator rows"))
    parsed = []
    for offset, (values, code) in enumerate(zip(body, codes, strict=True)):
        number = FIRST_ROW + offset
        values = list(values) + [None] * (len(HEADER) - len(values))
        if str(values[0] or "").strip() != code:
            raise FileRefused(ERR_ROWS.format(row=number, expected=code))
        parsed.append(UploadRow(
            row=number, code=code,
            cells={name: values[COLUMN[name] - 1] for name in ENTRY},
            version=str(values[COLUMN["row version"] - 1] or "")))
    return parsed


def _letter(name: str) -> str:
    return get_column_letter(COLUMN[name])


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


def _apply_row(user, indicator, result, row, fiscal_year, change_reason, outcome):
    errors: list[RowError] = []
    numbers = {name: _decimal(row.cells[name], name, row.row, errors)
               for name in ENTRY if name != "source"}
    source = str(row.cells["source"] or "").strip()
    if errors:
        outcome.errors.extend(errors)
        return
    parts = [{"sex": sex, "age_group": age, "value": numbers[f"{sex} {age}"]}
             for sex, age in PARTS if numbers[f"{sex} {age}"] is not None]
    figures = {"value": numbers["value"], "numerator": numbers["numerator"],
               "denominator": numbers["denominator"]}
    if indicator.unit == Unit.PERCENT:
        figures["value"] = None
    before = _shown(None if result is None else result.value,
                    None if result is None else result.numerator,
                    None if result is None else result.denominator, indicator.unit)
    after = _shown(figures["value"], figures["numerator"], figures["denominator"],
                   indicator.unit)
    given = _digest(figures["value"], figures["numerator"], figures["denominator"],
                    {(p["sex"], p["age_group"]): p["value"] for p in parts}, source)
    if given == row.version:
        return  # the row as downloaded: whatever is saved now stays
    if row_version(result) != row.version:
        outcome.errors.append(RowError(row.row, _letter("value"), ERR_STALE.format(now=before)))
        return
    try:
        with transaction.atomic():
            if result is None:
                if indicator.unit == Unit.PERCENT:
                    figures.pop("value")
                services.result_record(user=user, indicator=indicator, fiscal_year=fiscal_year,
                                       disaggregations=parts, source=source, **figures)
                action = "record"
            else:
                data = dict(figures, source=source)
                if indicator.unit == Unit.PERCENT:
                    data.pop("value")
                services.result_update(user=user, result=result, data=data,
                                       disaggregations=parts, change_reason=change_reason)
                action = "update"
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {
            "value": error.messages}
        for name, texts in messages.items():
            column = _letter(FIELD_COLUMNS.get(name, "value"))
            if indicator.unit == Unit.PERCENT and column == _letter("value"):
                column = _letter("numerator")  # a percent's value is computed from its parts
            outcome.errors.extend(RowError(row.row, column, text) for text in texts)
        return
    outcome.changes.append(Change(row.row, row.code, before, after, action))


def content_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sweep_previews(*, now=None, storage=None) -> int:
    """Delete uploaded files whose preview was never confirmed and whose token has expired
    (older than ``PREVIEW_MAX_AGE``). Returns how many were deleted."""
    from django.core.files.storage import storages
    from django.utils import timezone

    storage = storage or storages["private"]
    now = now or timezone.now()
    try:
        _dirs, files = storage.listdir(PREVIEW_DIR)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in files:
        path = f"{PREVIEW_DIR}/{name}"
        try:
            age = (now - storage.get_modified_time(path)).total_seconds()
        except FileNotFoundError:  # confirmed (and deleted) meanwhile
            continue
        if age > PREVIEW_MAX_AGE:
            storage.delete(path)
            deleted += 1
    return deleted
