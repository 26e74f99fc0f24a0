"""Each standard indicator across compacts, by fiscal year: the comparison page and its CSV.

A row is a compact's indicator made from a library entry (``Indicator.standard``); its
figures for each fiscal year are the progress rows of ``indicators/progress.py``, computed
from the indicator's own targets and approved results exactly as its compact's indicator
table computes them (cumulation, direction, yes/no, rounding): nothing here restates the
rule. Which rows a reader gets is the selectors' scope (``standard_comparison_list``).

The filters are lenient like the dashboard's year: a fiscal year outside the program's is
brought within it, a range given backwards is turned round, and one longer than
``MAX_YEARS`` ends ``MAX_YEARS`` after its first year.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import urlencode

from compacts.models import Pillar
from cpc.samples import SAMPLE_COLUMN

from .models import Indicator, StandardIndicator
from .progress import IndicatorProgress, Progress, progress_for_indicators, status_label

DEFAULT_YEARS = 5
MAX_YEARS = 10
YEAR_COLUMNS = ("target", "actual", "percent of target", "status")
NOT_TRACKED_CSV = "not tracked"


@dataclass(frozen=True)
class ComparisonFilter:
    """What the reader asked for: one standard indicator (None: all, grouped), one pillar
    ("" for all) and a range of fiscal years."""

    standard: StandardIndicator | None
    pillar: str
    first_year: int
    last_year: int

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    def query(self) -> str:
        """The filter as a query string (for the CSV link and the pages of the table)."""
        params = {"standard": self.standard.code if self.standard else "",
                  "pillar": self.pillar, "from": self.first_year, "to": self.last_year}
        return urlencode({key: value for key, value in params.items() if value != ""})


def _year(value, default: int, years: Sequence[int]) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = default
    if years:
        year = min(max(year, years[0]), years[-1])
    return year


def filter_from(params: Mapping, *, standards: Sequence[StandardIndicator],
                years: Sequence[int], current: int) -> ComparisonFilter:
    """The filter read from a query string (``standard``, ``pillar``, ``from``, ``to``),
    every value kept within what exists."""
    by_code = {standard.code: standard for standard in standards}
    pillar = params.get("pillar", "")
    last = _year(params.get("to"), current, years)
    first = _year(params.get("from"), last - DEFAULT_YEARS + 1, years)
    first, last = min(first, last), max(first, last)
    last = min(last, first + MAX_YEARS - 1)
    return ComparisonFilter(standard=by_code.get(params.get("standard", "")),
                            pillar=pillar if pillar in Pillar.values else "",
                            first_year=first, last_year=last)


@dataclass(frozen=True)
class ComparisonRow:
    """A compact's indicator and its progress row for each fiscal year of the range (None
    for a year the compact is not active in or the indicator not tracked in)."""

    indicator: Indicator
    years: list[tuple[int, Progress | None]]

    @property
    def differs_from_standard(self) -> bool:
        """The compact counts it its own way (unit, direction or cumulation overridden)."""
        standard = self.indicator.standard
        return any(getattr(self.indicator, name) != getattr(standard, name)
                   for name in ("unit", "direction", "cumulation"))


def year_progress(indicator: Indicator, item: IndicatorProgress, year: int) -> Progress | None:
    """The year's progress row as the compact's indicator table shows it; None where that
    table reads "not tracked" (or the year is outside the compact's)."""
    if year not in indicator.compact.fiscal_years() or not indicator.is_tracked_in(year):
        return None
    return item.for_year(year)


def comparison_rows(indicators: Sequence[Indicator], years: Sequence[int]
                    ) -> list[ComparisonRow]:
    """The rows of ``indicators`` (their targets and approved results prefetched, see
    ``selectors.indicators_with_progress_data``): no query per row."""
    indicators = list(indicators)
    progress = progress_for_indicators(indicators)
    return [ComparisonRow(indicator, [(year, year_progress(indicator, progress[indicator.pk],
                                                           year)) for year in years])
            for indicator in indicators]


def grouped(rows: Sequence[ComparisonRow]) -> list[tuple[StandardIndicator, list]]:
    """The rows by standard indicator, in the order given (the selector's: by code)."""
    return [(standard, list(members)) for standard, members in
            groupby(rows, key=lambda row: row.indicator.standard)]


# --- CSV ------------------------------------------------------------------------------------

HEADER = ["standard code", "standard indicator", "pillar", "country", "compact",
          "indicator code", "unit", "direction", "cumulation"]


def csv_table(rows: Sequence[ComparisonRow], years: Sequence[int]) -> tuple[list, list]:
    """The page's table as CSV rows: one per compact's indicator, target, actual, percent of
    target and status for each fiscal year (the same rounded figures as the page), written
    by ``exports.as_csv`` like the compact's indicator table (formula-like text quoted)."""
    header = [*HEADER]
    for year in years:
        header += [f"FY{year} {column}" for column in YEAR_COLUMNS]
    header.append(SAMPLE_COLUMN)
    table = []
    for row in rows:
        indicator, standard = row.indicator, row.indicator.standard
        cells = [standard.code, standard.name, standard.get_pillar_display(),
                 indicator.compact.country.name, indicator.compact.title, indicator.code,
                 indicator.unit, indicator.direction, indicator.cumulation]
        for _year, progress in row.years:
            cells += _cells(progress)
        cells.append("yes" if indicator.shows_sample_figures else "no")
        table.append(cells)
    return header, table


def _cells(progress: Progress | None) -> list:
    if progress is None:
        return [None, None, None, NOT_TRACKED_CSV]
    return [progress.target, progress.actual, progress.percent_of_target,
            status_label(progress)]

