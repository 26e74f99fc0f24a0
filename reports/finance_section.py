"""The report's award finances of each compact: ceiling at signing, awarded, obligated,
disbursed, spent, unspent balance, burn rate and the awards open after the compact's end,
to the report's fiscal year, from the one module of those figures (compacts.finances). The
finances of all the report's compacts are read in one query."""

import datetime as dt

from compacts import finances


def attach(sections, *, fiscal_year: int, today: dt.date) -> None:
    """Set ``section.finances`` (compacts.finances.CompactFinances) on each section."""
    awards = {s.compact.pk: list(s.compact.awards.all()) for s in sections}
    rows = finances.rows_by_award([a.pk for group in awards.values() for a in group])
    for section in sections:
        section.finances = finances.finances_from(
            section.compact, awards[section.compact.pk], rows, today=today,
            through_year=fiscal_year)
