"""Spreadsheets in and out: every CSV and XLSX export writes its cells through here, and
every import checks an uploaded workbook here before it is parsed (see below).

Cells that never run:

OWASP's guidance on CSV injection: a text cell beginning with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is read by spreadsheet programs as a formula (which may fetch a
URL or run a command), so it is prefixed with a single quote. Numbers, dates and empty cells
are left as they are; a negative number is a number, not text. In XLSX, text cells are also
typed as strings, never formulas.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RowError:
    """A problem of an imported table: the row as numbered in the spreadsheet (the header is
    row 1; 0 for the file as a whole) and the column a user must correct."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return f"{where}, {self.column}: {self.message}" if self.column else (
            f"{where}: {self.message}")


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def safe_cell(value):
    """``value``, or a text that starts like a formula with a quote in front."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return ESCAPE + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]


class SafeCSVWriter:
    """``csv.writer`` whose every row goes through ``safe_row``; ``formatter`` then turns each
    escaped value into its text (so a negative number, being no text, is never escaped)."""

    def __init__(self, stream, *, formatter=None, **options):
        self._writer = csv.writer(stream, **options)
        self._format = formatter

    def writerow(self, values: Iterable):
        row = safe_row(values)
        return self._writer.writerow([self._format(v) for v in row] if self._format else row)

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for values in rows:
            self.writerow(values)


def csv_writer(stream, **options) -> SafeCSVWriter:
    """The writer of every CSV export (history included): formula-like text is quoted."""
    return SafeCSVWriter(stream, **options)


def xlsx_row(sheet, values: Iterable) -> list:
    """Cells for ``sheet.append`` (ordinary and write-only sheets alike): escaped, and every
    text typed as a string, so openpyxl never stores one as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in safe_row(values):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


# --- Reading uploaded spreadsheets ---------------------------------------------------------
#
# Every import checks an uploaded file here before any parser sees it (NIST SI-10, SC-5): a
# 227 KB workbook can declare 3.6 million cells, and openpyxl spent a minute of CPU and more
# than a gigabyte building them. The checks read the zip's directory and stream the sheets'
# XML once, counting cells and rows with hard caps, so a hostile file is refused in a
# fraction of a second; only then is the workbook opened, read-only (streamed, row by row).
# The limits are settings: IMPORT_MAX_BYTES, IMPORT_MAX_UNCOMPRESSED_BYTES (the zip's parts,
# each and together), IMPORT_MAX_CELLS and IMPORT_MAX_ROWS (blank rows included).

# A workbook has a dozen parts; thousands are a trick to slow down reading the directory.
MAX_ZIP_MEMBERS = 1000
_CHUNK = 1024 * 1024
# The start of a cell (<c ...>, or <x:c ...> from writers that prefix the namespace) and of
# a row with its number.
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_ROW_NUMBER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\sr=\"(\d{1,12})\"")
_WORKSHEET = re.compile(r"^xl/(?:worksheets|chartsheets|dialogsheets)/[^/]+\.xml$")

ERR_FILE_TOO_LARGE = _("The file is {size}; the limit is {limit} (IMPORT_MAX_BYTES). Split it.")
ERR_NOT_WORKBOOK = _("The file could not be read as an Excel workbook (.xlsx).")
ERR_UNPACKS = _("The workbook unpacks to {size}; the limit is {limit} unpacked "
                "(IMPORT_MAX_UNCOMPRESSED_BYTES). Save it again from Excel, or split it.")
ERR_TOO_MANY_PARTS = _("The workbook has more than {limit:,} parts; a workbook has a few "
                       "dozen. Save it again from Excel.")
ERR_TOO_MANY_CELLS = _("The workbook has more than {limit:,} cells, the limit "
                       "(IMPORT_MAX_CELLS). Delete the unused cells or split it.")
ERR_TOO_MANY_ROWS = _("The file has more than {limit:,} rows (blank ones included), the limit "
                      "(IMPORT_MAX_ROWS). Delete the blank rows or split it.")


class SpreadsheetRefused(Exception):
    """An upload refused before (or while) it is parsed; ``str()`` is the user's message and
    ``code`` says which limit or check refused it."""

    def __init__(self, message, *, code: str):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code


def size_text(size: int) -> str:
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if size >= scale:
            return f"{round(size / scale, 1):g} {unit}"
    return f"{size} bytes"


def max_rows() -> int:
    return int(settings.IMPORT_MAX_ROWS)


def too_many_rows() -> SpreadsheetRefused:
    return SpreadsheetRefused(ERR_TOO_MANY_ROWS.format(limit=max_rows()), code="rows")


def check_size(size: int | None) -> None:
    """Refuse a file larger than IMPORT_MAX_BYTES (``None``: known only to be larger)."""
    limit = settings.IMPORT_MAX_BYTES
    if size is None or size > limit:
        shown = size_text(size) if size else f"larger than {size_text(limit)}"
        raise SpreadsheetRefused(ERR_FILE_TOO_LARGE.format(size=shown, limit=size_text(limit)),
                                 code="too_large")


def read_bounded(uploaded_file) -> bytes:
    """An uploaded file's bytes, never reading more than IMPORT_MAX_BYTES + 1 of them."""
    limit = settings.IMPORT_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None:
        check_size(size)
    data = uploaded_file.read(limit + 1)
    check_size(len(data) if len(data) <= limit else None)
    return data


def check_workbook(data: bytes) -> None:
    """Refuse an XLSX that is too large, packed or unpacked, or holds too many cells or rows,
    reading no more than its zip directory and one stream over its sheets."""
    check_size(len(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise SpreadsheetRefused(ERR_NOT_WORKBOOK, code="not_workbook") from error
    if len(members) > MAX_ZIP_MEMBERS:
        raise SpreadsheetRefused(ERR_TOO_MANY_PARTS.format(limit=MAX_ZIP_MEMBERS),
                                 code="parts")
    # zipfile never hands out more than a part's declared size (it fails the CRC instead),
    # so the declared sizes bound what any parser will read.
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit or any(member.file_size > limit for member in members):
        raise SpreadsheetRefused(ERR_UNPACKS.format(size=size_text(unpacked),
                                                    limit=size_text(limit)), code="unpacked")
    cells = 0
    for member in members:
        if _WORKSHEET.match(member.filename):
            cells = _count_cells(archive, member, cells)


def _count_cells(archive: zipfile.ZipFile, member: zipfile.ZipInfo, cells: int) -> int:
    """``cells`` plus the cells of one sheet, refusing as soon as a cap is passed. The sheet's
    declared ``<dimension>`` is not trusted: it may be absent or false either way."""
    cell_cap, row_cap = settings.IMPORT_MAX_CELLS, max_rows()
    pending = b""
    try:
        with archive.open(member) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                text = pending + chunk
                # Keep an unfinished tag for the next chunk; a tag start over 4 KB long is
                # no cell or row start this check needs.
                cut = text.rfind(b"<") if chunk else -1
                text, pending = (text, b"") if cut == -1 else (text[:cut], text[cut:])
                if len(pending) > 4096:
                    pending = b""
                cells += len(_CELL_START.findall(text))
                if cells > cell_cap:
                    raise SpreadsheetRefused(ERR_TOO_MANY_CELLS.format(limit=cell_cap),
                                             code="cells")
                if any(int(number) > row_cap for number in _ROW_NUMBER.findall(text)):
                    raise too_many_rows()
                if not chunk:
                    return cells
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
        raise SpreadsheetRefused(ERR_NOT_WORKBOOK, code="not_workbook") from error


def open_workbook(data: bytes):
    """The workbook in ``data``, checked by ``check_workbook`` and then opened read-only
    (streamed: rows are parsed as they are iterated) with cached values, never formulas.
    The caller closes it."""
    from openpyxl import load_workbook

    check_workbook(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign zip
        raise SpreadsheetRefused(ERR_NOT_WORKBOOK, code="not_workbook") from error


def sheet_rows(sheet, *, min_row: int = 1, max_col: int):
    """The value rows of a read-only sheet, at most ``max_col`` wide, raising at the row cap.
    The sheet's declared size is ignored ("A1:XFD1048576" would pad every row to 16,384)."""
    sheet.reset_dimensions()
    rows = sheet.iter_rows(min_row=min_row, max_col=max_col, values_only=True)
    number = min_row - 1
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:  # a broken sheet part, found while streaming
            raise SpreadsheetRefused(ERR_NOT_WORKBOOK, code="not_workbook") from error
        number += 1
        if number > max_rows():
            raise too_many_rows()
        yield list(row)
