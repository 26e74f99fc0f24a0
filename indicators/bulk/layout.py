"""The results template's layout (sheets, header, columns), what reading and applying it
report (changes, errors by row and column), and the version each row carries."""

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from .. import selectors
from ..models import AgeGroup, Indicator, Result, Sex, Unit, active_in_fiscal_year
from ..versions import version_of

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


@dataclass
class UploadRow:
    row: int
    code: str
    cells: dict  # entry column name -> raw cell value
    version: str


def _letter(name: str) -> str:
    return get_column_letter(COLUMN[name])


def indicators_for(*, user, compact, fiscal_year: int) -> list[Indicator]:
    indicators = list(selectors.compact_indicators_to_record(user=user, compact=compact)
                      .filter(active_in_fiscal_year(fiscal_year))
                      .order_by("code", "pk"))
    for indicator in indicators:
        indicator.compact = compact
    return indicators


def results_of(user, compact, fiscal_year) -> dict[int, Result]:
    return {r.indicator_id: r for r in selectors.result_list(user=user)
            .filter(indicator__compact=compact, fiscal_year=fiscal_year)
            .select_related("indicator").prefetch_related("disaggregations")}


def row_version(result: Result | None) -> str:
    """What a row's hidden version carries: the version of its result as downloaded (the
    record version of ``cpc.versions``, the edit pages' rule), then a digest of the entry
    figures the row showed, so that a row sent back as downloaded is seen to be left alone."""
    return f"{version_of(result)}:{shown_digest(result)}"


def shown_digest(result: Result | None) -> str:
    """A digest of a saved result's entry figures ("" parts and source for none)."""
    if result is None:
        return digest(None, None, None, {}, "")
    parts = {(p.sex, p.age_group): p.value for p in result.disaggregations.all()}
    unit = result.indicator.unit
    return digest(None if unit == Unit.PERCENT else result.value, result.numerator,
                  result.denominator, parts, result.source)


def digest(value, numerator, denominator, parts: dict, source: str) -> str:
    text = repr((_norm(value), _norm(numerator), _norm(denominator),
                 sorted((key, _norm(v)) for key, v in parts.items()), (source or "").strip()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _norm(value):
    return None if value is None else str(value.normalize())
