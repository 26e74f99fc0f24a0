"""Spreadsheet cells that never run: every CSV and XLSX export writes through here.

OWASP's guidance on CSV injection: a text cell beginning with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is read by spreadsheet programs as a formula (which may fetch a
URL or run a command), so it is prefixed with a single quote. Numbers, dates and empty cells
are left as they are; a negative number is a number, not text. In XLSX, text cells are also
typed as strings, never formulas.
"""

from collections.abc import Iterable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def safe_cell(value):
    """``value``, or a text that starts like a formula with a quote in front."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return ESCAPE + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]


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
