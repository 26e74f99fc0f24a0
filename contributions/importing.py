"""Reading a CSV or XLSX file of contributions into validated, unsaved rows.

The whole file is checked before anything is saved; every problem is reported with the
spreadsheet row number (the header is row 1) and the column a user must correct.
"""

import csv
import io
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from cpc import spreadsheets
from cpc.spreadsheets import ESCAPE, FORMULA_TRIGGERS, RowError, SpreadsheetRefused

from .models import Contribution

COLUMNS = ("fiscal_year", "kind", "description", "amount_local", "currency", "amount_usd",
           "personnel_count")
REQUIRED_COLUMNS = COLUMNS[:-1]
# Limits that keep an upload from holding a web worker: the file's size, its rows (blank ones
# included: a sheet may declare a million) and, for a workbook, its unpacked size and cells
# are the IMPORT_MAX_* settings, checked in cpc/spreadsheets.py before anything is parsed;
# contribution rows and characters per cell are fixed here, and reading stops after
# MAX_COLUMNS columns.
MAX_ROWS = 5000
MAX_CELL_CHARS = 2000
MAX_COLUMNS = 50

ERR_FORMAT = _("Upload a .csv or .xlsx file.")
ERR_UNREADABLE = _("The file could not be read as {kind}.")
ERR_NOT_UTF8 = (_("The file is not UTF-8 text (undecodable byte at position {position}): save it "
                "as \"CSV UTF-8\" or as an Excel workbook and upload it again."))
ERR_NUL = (_("The file contains NUL bytes, which a CSV file never holds: save it as \"CSV "
           "UTF-8\" or as an Excel workbook and upload it again."))
ERR_MISSING_COLUMNS = _("The header row lacks the column(s): {columns}.")
ERR_EMPTY = _("The file has no contribution rows.")
ERR_TOO_MANY = f"The file has more than {MAX_ROWS:,} contribution rows, the limit. Split it."
ERR_CELL_TOO_LONG = f"The cell has {{length}} characters; the limit is {MAX_CELL_CHARS:,}."
ERR_WHOLE_NUMBER = _("Enter a whole number.")
ERR_DECIMAL = _("Enter a number.")


class ContributionImportError(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _file_error(message: str) -> ContributionImportError:
    return ContributionImportError([RowError(0, "", message)])


def _header(value) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def _refused(refused: SpreadsheetRefused) -> ContributionImportError:
    if refused.code == "not_workbook":
        return _file_error(ERR_UNREADABLE.format(kind="an Excel workbook"))
    return _file_error(refused.message)


def _csv_table(data: bytes) -> Iterator[list]:
    if b"\x00" in data:
        raise _file_error(ERR_NUL)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _file_error(ERR_NOT_UTF8.format(position=error.start)) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The csv module's own cap on a field (131,072 characters) is far above ours.
            if "field larger than field limit" in str(error):
                message = ERR_CELL_TOO_LONG.format(length=f"more than {csv.field_size_limit():,}")
            else:
                message = ERR_UNREADABLE.format(kind="a CSV file")
            raise ContributionImportError([RowError(reader.line_num, "", message)]) from error
        yield row[:MAX_COLUMNS]


def _xlsx_table(data: bytes) -> Iterator[list]:
    try:
        workbook = spreadsheets.open_workbook(data)  # checked before it is opened
    except SpreadsheetRefused as refused:
        raise _refused(refused) from refused
    try:
        if not workbook.worksheets:
            raise _file_error(ERR_UNREADABLE.format(kind="an Excel workbook"))
        try:
            yield from spreadsheets.sheet_rows(workbook.worksheets[0], max_col=MAX_COLUMNS)
        except SpreadsheetRefused as refused:
            raise _refused(refused) from refused
    finally:
        workbook.close()


def _cell_errors(number: int, headers: list[str], values: list) -> list[RowError]:
    errors = []
    for position, value in enumerate(values):
        if not isinstance(value, str):
            continue
        column = headers[position] if position < len(headers) and headers[position] else (
            f"column {position + 1}")
        if len(value) > MAX_CELL_CHARS:
            message = ERR_CELL_TOO_LONG.format(length=f"{len(value):,}")
            errors.append(RowError(number, column, message))
    return errors


def read_rows(uploaded_file, filename: str) -> list[tuple[int, dict]]:
    """(row number, {column: raw value}) for each non-empty data row.

    Bounded in time and memory whatever the upload holds: the size is checked before
    anything is parsed, and parsing stops at the row cap.
    """
    name = filename.lower()
    if not name.endswith((".csv", ".xlsx")):
        raise _file_error(ERR_FORMAT)
    try:
        data = spreadsheets.read_bounded(uploaded_file)
    except SpreadsheetRefused as refused:
        raise _refused(refused) from refused
    table = _csv_table(data) if name.endswith(".csv") else _xlsx_table(data)
    try:
        return _data_rows(table)
    finally:
        table.close()  # closes the workbook at once, even when a limit stopped the reading


def _data_rows(table: Iterator[list]) -> list[tuple[int, dict]]:
    first = next(table, None)
    if first is None:
        raise _file_error(ERR_EMPTY)
    headers = [_header(h) for h in first]
    errors = _cell_errors(1, [""] * len(headers), list(first))
    if errors:
        raise ContributionImportError(errors)
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise ContributionImportError(
            [RowError(1, "", ERR_MISSING_COLUMNS.format(columns=", ".join(missing)))])
    rows = []
    for number, values in enumerate(table, start=2):
        if number > spreadsheets.max_rows():  # a CSV's rows; a workbook's stop sooner
            raise _refused(spreadsheets.too_many_rows())
        errors.extend(_cell_errors(number, headers, values))
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(rows) == MAX_ROWS:
            raise _file_error(ERR_TOO_MANY)
        rows.append((number, {h: v for h, v in zip(headers, values, strict=False)
                              if h in COLUMNS}))
    if errors:
        raise ContributionImportError(errors)
    if not rows:
        raise _file_error(ERR_EMPTY)
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
    description = _text(raw.get("description"))
    # A description our export escaped against formula injection reads back as it was.
    if description.startswith(ESCAPE) and description[1:].startswith(FORMULA_TRIGGERS):
        description = description[1:]
    values["description"] = description
    return values


def validate_rows(rows, *, compact, user) -> list[Contribution]:
    """Unsaved, fully validated contributions; raises with every error of every row."""
    errors: list[RowError] = []
    contributions = []
    for number, raw in rows:
        row_errors: list[RowError] = []
        values = _parse(raw, number, row_errors)
        contribution = Contribution(compact=compact, recorded_by=user, value_changed_by=user,
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
