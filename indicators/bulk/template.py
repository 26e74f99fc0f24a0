"""The results template of a fiscal year: an XLSX of the compact's indicators tracked that
year, one row each, with the target, the saved result, its parts by sex and age group and a
row version; only the entry cells are unlocked. And the previews left behind by uploads."""

import hashlib
import io

from django.core import signing
from openpyxl import Workbook
from openpyxl.styles import Font, Protection
from openpyxl.utils import get_column_letter

from cpc.spreadsheets import xlsx_row

from .. import selectors
from ..models import Unit
from .layout import (
    COLUMN,
    ENTRY,
    FIRST_ROW,
    HEADER,
    HEADER_ROW,
    META_SHEET,
    PARTS,
    PREVIEW_DIR,
    PREVIEW_MAX_AGE,
    SHEET,
    SIGNING_SALT,
    indicators_for,
    results_of,
    row_version,
)


def _number(value):
    return None if value is None else float(value)


def _signature(compact, fiscal_year, codes) -> str:
    return signing.dumps({"compact": compact.pk, "year": fiscal_year, "codes": codes},
                         salt=SIGNING_SALT, compress=True)


def build_template(*, user, compact, fiscal_year: int) -> bytes:
    indicators = indicators_for(user=user, compact=compact, fiscal_year=fiscal_year)
    targets = {t.indicator_id: t.value for t in selectors.target_list(user=user)
               .filter(indicator__compact=compact, fiscal_year=fiscal_year)}
    results = results_of(user, compact, fiscal_year)
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
