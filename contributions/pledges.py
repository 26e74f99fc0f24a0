"""Pledged against recorded and verified, by fiscal year: the one home of the comparison the
contributions page, the API (``/api/v1/compacts/<id>/pledges/``) and the oversight report
show.

A pledge (``compacts.PartnerPledge``) is what the partner government said it would
contribute in a fiscal year; the recorded and verified figures are those of
:func:`contributions.selectors.partner_totals` (recorded: every contribution of the year;
verified: those verified by a second person, funding and in-kind value together). The
comparison is in U.S. dollars; a pledge stated only in its own currency is shown in that
currency and adds nothing to the dollar figure.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from compacts.models import Compact, PartnerPledge
from compacts.partnership.selectors import pledge_list

from .selectors import FundingYear, PartnerTotals, contribution_list, partner_totals

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PledgeYear:
    fiscal_year: int  # 0 for the total of the years
    # None when no pledge of the year states U.S. dollars ("not stated", not $0).
    pledged_usd: Decimal | None
    # The pledges' amounts in their own currencies: ((currency, amount), ...).
    pledged_local: tuple[tuple[str, Decimal], ...] = ()
    pledged_personnel: int | None = None
    # None when no contribution is recorded for the year.
    recorded_usd: Decimal | None = None
    verified_usd: Decimal | None = None
    pledged_sample: bool = False
    kinds: tuple[str, ...] = field(default=())

    @property
    def verified_share_of_pledge(self) -> Decimal | None:
        """The verified contributions as a whole percent of the dollars pledged."""
        if not self.pledged_usd or self.verified_usd is None:
            return None
        return (self.verified_usd / self.pledged_usd * 100).quantize(
            Decimal("1"), rounding=ROUND_HALF_UP)


def _recorded(totals: PartnerTotals) -> tuple[Decimal, Decimal]:
    return (totals.verified_usd + totals.in_kind_usd + totals.unverified_usd,
            totals.verified_usd + totals.in_kind_usd)


def _add_local(amounts: dict[str, Decimal], pledge: PartnerPledge) -> None:
    if pledge.amount_local is not None and pledge.currency:
        amounts[pledge.currency] = amounts.get(pledge.currency, ZERO) + pledge.amount_local


def _year(fiscal_year: int, pledges: list[PartnerPledge],
          recorded: PartnerTotals | None) -> PledgeYear:
    usd = [p.amount_usd for p in pledges if p.amount_usd is not None]
    people = [p.personnel_count for p in pledges if p.personnel_count is not None]
    local: dict[str, Decimal] = {}
    for pledge in pledges:
        _add_local(local, pledge)
    recorded_usd, verified_usd = _recorded(recorded) if recorded is not None else (None, None)
    return PledgeYear(
        fiscal_year=fiscal_year,
        pledged_usd=sum(usd, ZERO) if usd else None,
        pledged_local=tuple(sorted(local.items())),
        pledged_personnel=sum(people) if people else None,
        recorded_usd=recorded_usd, verified_usd=verified_usd,
        pledged_sample=any(p.is_sample for p in pledges),
        kinds=tuple(sorted({p.kind for p in pledges})),
    )


def pledged_against_recorded(pledges: Iterable[PartnerPledge],
                             recorded: dict[int, PartnerTotals], *,
                             until: int | None = None) -> list[PledgeYear]:
    """One row per fiscal year that has a pledge or a recorded contribution (up to
    ``until``), from the compact's pledges and its ``partner_totals`` by year. No queries
    beyond iterating ``pledges``."""
    by_year: dict[int, list[PartnerPledge]] = {}
    for pledge in pledges:
        by_year.setdefault(pledge.fiscal_year, []).append(pledge)
    years = sorted(set(by_year) | set(recorded))
    if until is not None:
        years = [y for y in years if y <= until]
    return [_year(fy, by_year.get(fy, []), recorded.get(fy)) for fy in years]


def _sum_or_none(values: list) -> Decimal | int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def pledge_total(years: list[PledgeYear]) -> PledgeYear:
    """The years added up (``fiscal_year`` 0); a figure no year states stays None."""
    local: dict[str, Decimal] = {}
    for year in years:
        for currency, amount in year.pledged_local:
            local[currency] = local.get(currency, ZERO) + amount
    return PledgeYear(
        fiscal_year=0,
        pledged_usd=_sum_or_none([y.pledged_usd for y in years]),
        pledged_local=tuple(sorted(local.items())),
        pledged_personnel=_sum_or_none([y.pledged_personnel for y in years]),
        recorded_usd=_sum_or_none([y.recorded_usd for y in years]),
        verified_usd=_sum_or_none([y.verified_usd for y in years]),
        pledged_sample=any(y.pledged_sample for y in years),
        kinds=tuple(sorted({k for y in years for k in y.kinds})),
    )


def recorded_from_funding(funding: Iterable[FundingYear]) -> dict[int, PartnerTotals]:
    """The recorded sums by year a funding picture (``selectors.funding_years``) already
    holds, so a page or report that shows both reads them once."""
    return {year.fiscal_year: year.partner for year in funding if year.partner is not None}


def pledge_picture(*, user, compact: Compact,
                   funding: Iterable[FundingYear] | None = None) -> list[PledgeYear]:
    """The comparison for one compact, as ``user`` may see it: the pledges (one query) and
    the recorded sums per year, from ``funding`` when given (else one more query)."""
    if funding is not None:
        recorded = recorded_from_funding(funding)
    else:
        recorded = {fy: totals for (_compact, fy), totals in partner_totals(
            contribution_list(user=user).filter(compact=compact)).items()}
    return pledged_against_recorded(pledge_list(user=user).filter(compact=compact), recorded)
