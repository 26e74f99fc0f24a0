"""Sample award finances for the demo and the generated portfolio (cpc/samples.py): no award's
yearly obligations, disbursements or expenditures are public, so every figure here is
invented and marked as a sample. They are written through the services, with their rules.

Each award's amount is obligated in equal parts over its fiscal years, from its first year to
the last one ended (the financial system's figures come in after a year ends); what was
obligated is disbursed and spent a little behind. Once the compact has ended, an award is
closed out in its close-out year: everything obligated is spent, unless the caller leaves a
balance (``left_unspent``), which is what flags an award open after its compact's end.
"""

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from cpc.fiscal import fiscal_year_bounds, fiscal_year_of

from . import finance_services
from .models import Award, AwardFinance

CENT = Decimal("0.01")
DISBURSED_SHARE = Decimal("0.92")
SPENT_SHARE = Decimal("0.85")


def _part(amount: Decimal, share: Decimal) -> Decimal:
    return (amount * share).quantize(CENT, rounding=ROUND_DOWN)


def plan(award: Award, *, today: dt.date, left_unspent: Decimal = Decimal("0")) -> list[dict]:
    """The rows of an award's sample finances up to the last fiscal year ended by ``today``."""
    first, last = finance_services.fiscal_year_range(award)
    ended = fiscal_year_of(today) - 1
    term = list(range(first, last))  # the award's own years, the close-out year apart
    closes = last <= ended
    years = [y for y in term if y <= ended]
    if not years:
        return []
    each = (award.amount_usd / len(term)).quantize(CENT, rounding=ROUND_DOWN)
    rows, obligated, disbursed, spent = [], Decimal("0"), Decimal("0"), Decimal("0")
    for year in years:
        amount = award.amount_usd - each * (len(term) - 1) if year == term[-1] else each
        obligated += amount
        row = {"fiscal_year": year, "obligated_usd": amount,
               "disbursed_usd": _part(obligated, DISBURSED_SHARE) - disbursed,
               "spent_usd": _part(obligated, SPENT_SHARE) - spent}
        disbursed += row["disbursed_usd"]
        spent += row["spent_usd"]
        rows.append(row)
    if closes:
        final = obligated - left_unspent
        rows.append({"fiscal_year": last, "obligated_usd": Decimal("0"),
                     "disbursed_usd": max(final - disbursed, Decimal("0")),
                     "spent_usd": final - spent})
    for row in rows:
        day = min(fiscal_year_bounds(row["fiscal_year"])[1] + dt.timedelta(days=45), today)
        row.update(as_of=day, source_reference=(
            f"SAMPLE-FMS-{award.award_number}-FY{row['fiscal_year']}")[:128])
    return rows


def fill(awards, *, user, today: dt.date, left_unspent: dict[str, Decimal] | None = None
         ) -> int:
    """Write sample finances for each of ``awards`` that has none yet; the rows written."""
    left_unspent = left_unspent or {}
    written = 0
    for award in awards:
        if AwardFinance.objects.filter(award=award).exists():
            continue
        rows = plan(award, today=today,
                    left_unspent=left_unspent.get(award.award_number, Decimal("0")))
        if rows:
            written += len(finance_services.award_finances_save(user=user, award=award,
                                                                rows=rows))
    return written
