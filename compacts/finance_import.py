"""Importing a compact's award finances from a CSV or XLSX export of the financial system.

One row an award and fiscal year, columns :data:`COLUMNS`. The upload is read within the
limits every import keeps (cpc/spreadsheets.py: bytes, rows, a workbook's unpacked size and
cells; a workbook's formulas are never run, their cached values are read), every row is
checked against the field rules and the award's rules as its books would stand
(compacts.finance_services), and a preview lists what would be created or replaced. The
confirm checks the rows again, the awards locked, and saves all of them or none. Every
problem names the spreadsheet row (the header is row 1) and the column to correct.
"""

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpc import spreadsheets
from cpc.spreadsheets import ESCAPE, FORMULA_TRIGGERS, RowError, SpreadsheetRefused

from . import finance_services
from .models import Award, Compact

COLUMNS = ("award_number", "fiscal_year", "obligated_usd", "disbursed_usd", "spent_usd",
           "source_reference", "as_of")
REQUIRED_COLUMNS = ("award_number", "fiscal_year", "obligated_usd", "disbursed_usd",
                    "spent_usd", "as_of")
MAX_ROWS = 2000
MAX_CELL_CHARS = 500

ERR_FORMAT = _("Upload a .csv or .xlsx file.")
ERR_UNREADABLE = _("The file could not be read as {kind}.")
ERR_MISSING_COLUMNS = _("The header row lacks the column(s): {columns}.")
ERR_EMPTY = _("The file has no finance rows.")
ERR_TOO_MANY = _("The file has more than {limit} finance rows, the limit. Split it.")
ERR_CELL_TOO_LONG = _("The cell has {length} characters; the limit is {limit}.")
ERR_REQUIRED = _("This column is required.")
ERR_WHOLE_NUMBER = _("Enter a whole number.")
ERR_DECIMAL = _("Enter an amount in US dollars, such as 1250000.00.")
ERR_DATE = _("Enter a date as YYYY-MM-DD.")
ERR_UNKNOWN_AWARD = _("No award {number} under this compact.")
ERR_DUPLICATE = _("Row {row} already gives FY{year} of award {number}.")


class FinanceImportError(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class PreviewRow:
    row: int
    award: Award
    values: dict
    replaces: bool


def _file_error(message) -> FinanceImportError:
    return FinanceImportError([RowError(0, "", str(message))])


def _table(data: bytes, name: str):
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise _file_error(ERR_UNREADABLE.format(kind="UTF-8 CSV")) from error
        if "\x00" in text:
            raise _file_error(ERR_UNREADABLE.format(kind="a CSV file"))
        yield from csv.reader(io.StringIO(text, newline=""))
        return
    workbook = spreadsheets.open_workbook(data)
    try:
        if not workbook.worksheets:
            raise _file_error(ERR_UNREADABLE.format(kind="an Excel workbook"))
        yield from spreadsheets.sheet_rows(workbook.worksheets[0], max_col=len(COLUMNS) + 20)
    finally:
        workbook.close()


def read_rows(uploaded_file, filename: str) -> list[tuple[int, dict]]:
    """(row number, {column: raw value}) for each non-empty data row, bounded in time and
    memory whatever the upload holds."""
    name = filename.lower()
    if not name.endswith((".csv", ".xlsx")):
        raise _file_error(ERR_FORMAT)
    try:
        data = spreadsheets.read_bounded(uploaded_file)
        return _data_rows(_table(data, name))
    except SpreadsheetRefused as refused:
        raise _file_error(refused.message) from refused
    except csv.Error as error:
        raise _file_error(ERR_UNREADABLE.format(kind="a CSV file")) from error


def _data_rows(table) -> list[tuple[int, dict]]:
    first = next(table, None)
    if first is None:
        raise _file_error(ERR_EMPTY)
    headers = [str(h or "").strip().lower().replace(" ", "_") for h in first]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise FinanceImportError([RowError(1, "", str(ERR_MISSING_COLUMNS).format(
            columns=", ".join(missing)))])
    rows, errors = [], []
    for number, values in enumerate(table, start=2):
        if number > spreadsheets.max_rows():
            raise spreadsheets.too_many_rows()
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(rows) == MAX_ROWS:
            raise _file_error(str(ERR_TOO_MANY).format(limit=f"{MAX_ROWS:,}"))
        raw = {h: v for h, v in zip(headers, values, strict=False) if h in COLUMNS}
        errors.extend(_too_long(number, raw))
        rows.append((number, raw))
    if errors:
        raise FinanceImportError(errors)
    if not rows:
        raise _file_error(ERR_EMPTY)
    return rows


def _too_long(number: int, raw: dict) -> list[RowError]:
    return [RowError(number, column, str(ERR_CELL_TOO_LONG).format(
                length=f"{len(value):,}", limit=MAX_CELL_CHARS))
            for column, value in raw.items()
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_value(column: str, value):
    """The typed value of a cell, or raises ValueError with the message to show."""
    if isinstance(value, dt.datetime):
        value = value.date()
    text = _text(value)
    if column == "source_reference":
        # What our own export quoted against formula injection reads back as it was.
        if text.startswith(ESCAPE) and text[1:].startswith(FORMULA_TRIGGERS):
            text = text[1:]
        return text
    if not text:
        raise ValueError(ERR_REQUIRED)
    if column == "fiscal_year":
        try:
            return int(text)
        except ValueError:
            raise ValueError(ERR_WHOLE_NUMBER) from None
    if column == "as_of":
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(ERR_DATE) from None
    try:
        amount = Decimal(text.replace(",", "").lstrip("$"))
    except InvalidOperation:
        raise ValueError(ERR_DECIMAL) from None
    if not amount.is_finite():
        raise ValueError(ERR_DECIMAL)
    return amount


def _parse(number: int, raw: dict, errors: list[RowError]) -> dict:
    values = {"award_number": _text(raw.get("award_number"))}
    if not values["award_number"]:
        errors.append(RowError(number, "award_number", str(ERR_REQUIRED)))
    for column in COLUMNS[1:]:
        try:
            values[column] = _parse_value(column, raw.get(column))
        except ValueError as error:
            errors.append(RowError(number, column, str(error.args[0])))
    return values


def check_rows(rows, *, compact: Compact, user, today: dt.date | None = None
               ) -> list[PreviewRow]:
    """Every row checked as the award's books would stand once all are saved; raises
    :class:`FinanceImportError` listing every problem by row and column."""
    today = today or timezone.localdate()
    awards = {a.award_number: a for a in Award.objects.filter(compact=compact)}
    errors: list[RowError] = []
    by_award: dict[Award, list[tuple[int, dict]]] = defaultdict(list)
    seen: dict[tuple[str, int], int] = {}
    for number, raw in rows:
        row_errors: list[RowError] = []
        values = _parse(number, raw, row_errors)
        award = awards.get(values["award_number"])
        if values["award_number"] and award is None:
            row_errors.append(RowError(number, "award_number", str(ERR_UNKNOWN_AWARD).format(
                number=values["award_number"])))
        key = (values["award_number"], values.get("fiscal_year"))
        if award and key in seen:
            row_errors.append(RowError(number, "fiscal_year", str(ERR_DUPLICATE).format(
                row=seen[key], year=key[1], number=key[0])))
        seen.setdefault(key, number)
        errors.extend(row_errors)
        if award and not row_errors:
            by_award[award].append((number, values))
    preview = []
    for award, items in by_award.items():
        preview.extend(_check_award(award, items, user=user, today=today, errors=errors))
    if errors:
        raise FinanceImportError(sorted(errors, key=lambda e: (e.row, e.column)))
    return sorted(preview, key=lambda p: p.row)


def _check_award(award, items, *, user, today, errors) -> list[PreviewRow]:
    existing = set(award.finances.values_list("fiscal_year", flat=True))
    changes = [{k: v for k, v in values.items() if k != "award_number"} for _, values in items]
    every, changed = finance_services.prepare_rows(award, changes, user=user)
    row_of_year = {}
    for (number, values), row in zip(items, changed, strict=True):
        row_of_year[values["fiscal_year"]] = number
        try:
            row.full_clean(exclude=["award"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                column = "" if field == NON_FIELD_ERRORS else field
                errors.extend(RowError(number, column, m) for m in messages)
    last_row = items[-1][0]
    for year, field, message in finance_services.award_rule_errors(award, every, today=today):
        errors.append(RowError(row_of_year.get(year, last_row), field, message))
    return [PreviewRow(number, award, values, values["fiscal_year"] in existing)
            for number, values in items]


def preview_payload(preview: list[PreviewRow]) -> list[list]:
    """The checked rows as plain values, for the signed confirm token."""
    return [[p.row, {c: (v.isoformat() if isinstance(v, dt.date) else str(v))
                     for c, v in p.values.items()}] for p in preview]


@transaction.atomic
def finances_import(*, user, compact: Compact, rows) -> int:
    """Check ``rows`` again, the compact's awards locked, and save them all or none."""
    finance_services.require_tip_staff(user)
    list(Award.objects.select_for_update().filter(compact=compact).values_list("pk"))
    preview = check_rows(rows, compact=compact, user=user)
    by_award: dict[Award, list[dict]] = defaultdict(list)
    for item in preview:
        by_award[item.award].append(
            {k: v for k, v in item.values.items() if k != "award_number"})
    return finance_services.finances_import_save(user=user, rows_by_award=by_award)
