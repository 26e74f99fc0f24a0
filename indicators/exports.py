"""The indicator performance tracking table of a compact, as rows for CSV and XLSX.

One row per indicator: its baseline, then target, actual, percent of target and status for
each fiscal year of the compact, then the life-of-compact figures, and last whether any of
the row's figures is a sample (cpc/samples.py).
"""

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from compacts.models import Compact
from cpc.samples import SAMPLE_COLUMN, SAMPLE_ROWS_NOTE_EN
from cpc.spreadsheets import csv_writer, xlsx_row

from .models import Indicator
from .progress import STATUS_LABELS, IndicatorProgress, status_label

YEAR_COLUMNS = ("target", "actual", "percent of target", "status")
NOTE = ("Only approved results count. Running totals and life-of-compact sums start at the "
        "first year with a target. Figures to two decimal places, percent of target to a "
        "whole percent (half-up), as on every page and report. Status thresholds: see "
        "docs/indicators.md.")


def tracking_table(
    compact: Compact, indicators: list[Indicator], progress: dict[int, IndicatorProgress]
) -> tuple[list[str], list[list]]:
    years = compact.fiscal_years()
    header = ["code", "indicator", "pillar", "unit", "direction", "cumulation", "key indicator",
              "baseline value", "baseline year"]
    for year in years:
        header += [f"FY{year} {column}" for column in YEAR_COLUMNS]
    header += [f"life of compact {column}" for column in YEAR_COLUMNS]
    header.append(SAMPLE_COLUMN)
    rows = []
    for indicator in indicators:
        row = [indicator.code, indicator.name, indicator.get_pillar_display(), indicator.unit,
               indicator.direction, indicator.cumulation, "yes" if indicator.is_key else "no",
               indicator.baseline_value, indicator.baseline_year]
        item = progress[indicator.pk]
        for year in years:
            row += _cells(item.for_year(year))
        row += _cells(item.life_of_compact)
        row.append("yes" if indicator.shows_sample_figures else "no")
        rows.append(row)
    return header, rows


def _cells(progress) -> list:
    if progress is None:
        return [None, None, None, str(STATUS_LABELS["no_target"])]
    return [progress.target, progress.actual, progress.percent_of_target,
            status_label(progress)]


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(
            value.quantize(Decimal("0.01")))
    return "" if value is None else value


def as_csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    # Escaped before formatting, so that only text (never a negative number) is escaped.
    writer = csv_writer(buffer, formatter=_plain)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def as_xlsx(compact: Compact, header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Indicator tracking"
    sheet.append(xlsx_row(sheet, [f"{compact.title}: indicator performance tracking table"]))
    samples = SAMPLE_COLUMN in header and any(
        row[header.index(SAMPLE_COLUMN)] == "yes" for row in rows)
    sheet.append(xlsx_row(sheet, [f"{NOTE} {SAMPLE_ROWS_NOTE_EN}" if samples else NOTE]))
    sheet.append(xlsx_row(sheet, header))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, [float(v) if isinstance(v, Decimal) else v for v in row]))
    sheet.freeze_panes = "C4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
