"""An activity's money: budgets per U.S. fiscal year from the awards' obligations, and the
transactions: each award's commitment, then what the financial system reports disbursed and
spent under it per fiscal year (``compacts.finances``; ``docs/iati.md``).

Reads only what :func:`publishing.selectors.iati_compact_list` prefetched (the awards with
their implementers and their finance rows)."""

import datetime as dt
from decimal import Decimal

from compacts.finances import years_of
from compacts.models import Award, AwardFinance, Compact
from cpc.fiscal import fiscal_year_bounds

from .common import SAMPLE_DATA, sub, value
from .orgs import implementer_org, reporting_org

# BudgetType 1 Original; BudgetStatus 2 Committed: the amounts are obligated, binding.
BUDGET_TYPE_ORIGINAL = "1"
BUDGET_STATUS_COMMITTED = "2"

# TransactionType
COMMITMENT, DISBURSEMENT, EXPENDITURE = "2", "3", "4"


def _term(compact: Compact) -> tuple[dt.date, dt.date | None]:
    return compact.start_date, compact.current_end_date


def budget_period(compact: Compact, fiscal_year: int) -> tuple[dt.date, dt.date]:
    """The fiscal year, cut to the compact's term where they overlap (never longer than a
    year: IATI's rule 7.5.3). A year wholly outside the term (an obligation recorded for a
    close-out year after the end) keeps its own bounds: cutting it would end it before it
    starts."""
    first_day, last_day = fiscal_year_bounds(fiscal_year)
    start, end = _term(compact)
    cut_first = max(first_day, start)
    cut_last = min(last_day, end) if end is not None else last_day
    if cut_first <= cut_last:
        return cut_first, cut_last
    return first_day, last_day


def budgets(element, compact: Compact) -> None:
    """One committed budget per U.S. fiscal year in which the awards' finances record an
    obligation: the sum obligated that year. Years without an obligation have no budget (the
    funding ceiling is not split over years)."""
    years = years_of(row for award in compact.awards.all() for row in award.finances.all())
    for year, figures in years.items():
        if not figures.obligated:
            continue
        first_day, last_day = budget_period(compact, year)
        budget = sub(element, "budget", type=BUDGET_TYPE_ORIGINAL,
                     status=BUDGET_STATUS_COMMITTED)
        sub(budget, "period-start", iso_date=first_day.isoformat())
        sub(budget, "period-end", iso_date=last_day.isoformat())
        value(budget, figures.obligated, first_day)


def flow_date(row: AwardFinance, today: dt.date) -> dt.date:
    """The day a year's disbursements or expenditures are dated: the fiscal year's last day,
    or the day the figures were as of when that is earlier (a year still under way); never
    after today."""
    return min(fiscal_year_bounds(row.fiscal_year)[1], row.as_of, today)


def transactions(element, compact: Compact, *, today: dt.date) -> None:
    for award in compact.awards.all():
        _commitment(element, award, today)
        for row in award.finances.all():
            if row.disbursed_usd:
                _flow(element, award, row, DISBURSEMENT, row.disbursed_usd, today)
            if row.spent_usd:
                _flow(element, award, row, EXPENDITURE, row.spent_usd, today)


def _commitment(element, award: Award, today: dt.date) -> None:
    """The award as an outgoing commitment from the Department of State to its implementer,
    dated on the award's start (the records keep no separate signing date), or today for an
    award that starts later: it is committed already."""
    day = min(award.start_date, today)
    transaction = sub(element, "transaction", ref=award.award_number)
    sub(transaction, "transaction-type", code=COMMITMENT)
    sub(transaction, "transaction-date", iso_date=day.isoformat())
    value(transaction, award.amount_usd, day)
    description = (f"{award.get_mechanism_display()} {award.award_number}, "
                   f"{award.start_date.isoformat()} to {award.end_date.isoformat()}.")
    if award.is_sample:
        description += " " + SAMPLE_DATA.format(what="the amount")
    sub(transaction, "description", description)
    reporting_org(transaction, "provider-org")
    implementer_org(transaction, "receiver-org", award.implementer)


def _flow(element, award: Award, row: AwardFinance, kind: str, amount: Decimal,
          today: dt.date) -> None:
    """A fiscal year's disbursements (paid by the Department of State to the implementer) or
    expenditures (spent by the implementer on the activity) under one award."""
    day = flow_date(row, today)
    what = "Disbursed to" if kind == DISBURSEMENT else "Spent by"
    source = f" Source: {row.source_reference}." if row.source_reference else ""
    description = (f"{what} {award.implementer.name} in U.S. fiscal year {row.fiscal_year} "
                   f"under {award.award_number}, as of {row.as_of.isoformat()}.{source}")
    if row.is_sample:
        description += " " + SAMPLE_DATA.format(what="the amount")
    transaction = sub(element, "transaction", ref=award.award_number)
    sub(transaction, "transaction-type", code=kind)
    sub(transaction, "transaction-date", iso_date=day.isoformat())
    value(transaction, amount, day)
    sub(transaction, "description", description)
    if kind == DISBURSEMENT:
        reporting_org(transaction, "provider-org")
        implementer_org(transaction, "receiver-org", award.implementer)
    else:
        implementer_org(transaction, "provider-org", award.implementer)
