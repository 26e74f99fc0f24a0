"""Reading a CSV or XLSX file of contributions into validated, unsaved rows.

The whole file is checked before anything is saved; every problem is reported with the
spreadsheet row number (the header is row 1) and the column a user must correct.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .models import Contribution

COLUMNS = ("fiscal_year", "kind", "description", "amount_local", "currency", "amount_usd",
           "personnel_count")
REQUIRED_COLUMNS = COLUMNS[:-1]
MAX_ROWS = 5000

ERR_FORMAT = "Upload a .csv or .xlsx file."
ERR_UNREADABLE = "The file could not be read as {kind}."
ERR_MISSING_COLUMNS = "The header row lacks the column(s): {columns}."
ERR_EMPTY = "The file has no contribution rows."
ERR_TOO_MANY = f"The file has more than {MAX_ROWS} rows; split it."
ERR_WHOLE_NUMBER = "Enter a whole number."
ERR_DECIMAL = "Enter a number."


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in the spreadsheet: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return f"{where}, {self.column}: {self.message}" if self.column else (
            f"{where}: {self.message}")


class ContributionImportError(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _header(value) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def read_rows(uploaded_file, filename: str) -> list[tuple[int, dict]]:
    """(row number, {column: raw value}) for each non-empty data row."""
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = uploaded_file.read().decode("utf-8-sig")
            table = list(csv.reader(io.StringIO(text)))
        except (UnicodeDecodeError, csv.Error) as error:
            raise ContributionImportError(
                [RowError(0, "", ERR_UNREADABLE.format(kind="UTF-8 CSV"))]) from error
    elif name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(uploaded_file, read_only=True, data_only=True)
            table = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
            workbook.close()
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise ContributionImportError(
                [RowError(0, "", ERR_UNREADABLE.format(kind="an Excel workbook"))]) from error
    else:
        raise ContributionImportError([RowError(0, "", ERR_FORMAT)])
    if not table:
        raise ContributionImportError([RowError(0, "", ERR_EMPTY)])
    headers = [_header(h) for h in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise ContributionImportError(
            [RowError(1, "", ERR_MISSING_COLUMNS.format(columns=", ".join(missing)))])
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((number, {h: v for h, v in zip(headers, values, strict=False)
                              if h in COLUMNS}))
    if not rows:
        raise ContributionImportError([RowError(0, "", ERR_EMPTY)])
    if len(rows) > MAX_ROWS:
        raise ContributionImportError([RowError(0, "", ERR_TOO_MANY)])
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse(raw: dict, number: int, errors: list[RowError]) -> dict:
    values = {}
    for column in ("fiscal_year", "personnel_count"):
        text = _text(raw.get(column))
        if not text:
            values[column] = None
            continue
        try:
            values[column] = int(text)
        except ValueError:
            errors.append(RowError(number, column, ERR_WHOLE_NUMBER))
    for column in ("amount_local", "amount_usd"):
        text = _text(raw.get(column)).replace(",", "")
        try:
            values[column] = Decimal(text) if text else None
        except InvalidOperation:
            errors.append(RowError(number, column, ERR_DECIMAL))
    values["kind"] = _text(raw.get("kind")).lower().replace(" ", "_").replace("-", "_")
    values["currency"] = _text(raw.get("currency")).upper()
    values["description"] = _text(raw.get("description"))
    return values


def validate_rows(rows, *, compact, user) -> list[Contribution]:
    """Unsaved, fully validated contributions; raises with every error of every row."""
    errors: list[RowError] = []
    contributions = []
    for number, raw in rows:
        row_errors: list[RowError] = []
        values = _parse(raw, number, row_errors)
        contribution = Contribution(compact=compact, recorded_by=user,
                                    **{k: v for k, v in values.items()
                                       if not any(e.column == k for e in row_errors)})
        try:
            contribution.full_clean(exclude=[e.column for e in row_errors])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                column = "" if field == NON_FIELD_ERRORS else field
                row_errors.extend(RowError(number, column, m) for m in messages)
        errors.extend(row_errors)
        contributions.append(contribution)
    if errors:
        raise ContributionImportError(errors)
    return contributions
