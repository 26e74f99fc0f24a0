"""Every read the contributions pages and API need, scoped to the user and prefetched."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet, Sum

from compacts.models import Compact
from compacts.scoping import scope_to_changeable, scope_to_visible
from cpc.fiscal import fiscal_year_bounds, fiscal_year_of
from dialogues.models import Dialogue

from .models import Contribution, FollowUp, Measure, SustainabilityPlan

CENT = Decimal("0.01")
COUNTRY = "compact__country"


def contribution_list(*, user) -> QuerySet[Contribution]:
    return scope_to_visible(
        Contribution.objects.select_related(
            "compact__country", "recorded_at_dialogue", "verified_by"
        ),
        user,
        country_path=COUNTRY,
    ).order_by("compact_id", "fiscal_year", "kind", "pk")


def contribution_list_for_compact(*, user, compact: Compact) -> QuerySet[Contribution]:
    return contribution_list(user=user).filter(compact=compact)


def compact_list(*, user) -> QuerySet[Compact]:
    """Compacts the user sees, with what the contributions pages show of them."""
    return scope_to_visible(
        Compact.objects.with_current_end().with_award_samples().select_related("country"), user
    ).order_by("start_date", "country__iso_code", "pk")


def changeable_compact_list(*, user) -> QuerySet[Compact]:
    return scope_to_changeable(Compact.objects.select_related("country"), user)


def dialogue_list(*, user) -> QuerySet[Dialogue]:
    return scope_to_visible(Dialogue.objects.all(), user, country_path=COUNTRY)


def plan_list(*, user) -> QuerySet[SustainabilityPlan]:
    return scope_to_visible(
        SustainabilityPlan.objects.select_related("compact__country").prefetch_related(
            Prefetch("measures", queryset=Measure.objects.order_by("position", "pk"))
        ),
        user,
        country_path=COUNTRY,
    ).order_by("compact_id")


def plan_for_compact(*, user, compact: Compact) -> SustainabilityPlan | None:
    return plan_list(user=user).filter(compact=compact).first()


def follow_up_list(*, user, plan: SustainabilityPlan) -> QuerySet[FollowUp]:
    return scope_to_visible(
        FollowUp.objects.filter(plan=plan).select_related("recorded_by"),
        user,
        country_path="plan__compact__country",
    ).order_by("-date", "-pk")


def overdue_plan_list(*, user, on: dt.date | None = None) -> QuerySet[SustainabilityPlan]:
    """Plans requested, past their due date and not received: the dashboard's list."""
    return scope_to_visible(
        SustainabilityPlan.objects.overdue(on=on).select_related("compact__country"),
        user,
        country_path=COUNTRY,
    ).order_by("due_on", "compact_id")


@dataclass(frozen=True)
class FundingYear:
    fiscal_year: int
    us_awards_usd: Decimal
    # None when the compact does not report a planned partner contribution ("not reported").
    partner_planned_usd: Decimal | None
    # None when no partner contribution is recorded for the year ("not reported", not $0).
    partner_recorded_usd: Decimal | None

    @property
    def partner_share_of_plan(self) -> Decimal | None:
        if not self.partner_planned_usd or self.partner_recorded_usd is None:
            return None
        return (self.partner_recorded_usd / self.partner_planned_usd * 100).quantize(Decimal("1"))


def funding_total(years: list[FundingYear]) -> FundingYear:
    """The years added up (``fiscal_year`` 0). A partner figure (planned or recorded) stays
    None when no year reports one, so a missing figure never adds up to $0."""
    zero = Decimal("0.00")
    planned = [y.partner_planned_usd for y in years if y.partner_planned_usd is not None]
    recorded = [y.partner_recorded_usd for y in years if y.partner_recorded_usd is not None]
    return FundingYear(
        fiscal_year=0,
        us_awards_usd=sum((y.us_awards_usd for y in years), zero),
        partner_planned_usd=sum(planned, zero) if planned else None,
        partner_recorded_usd=sum(recorded, zero) if recorded else None,
    )


def _split(total: Decimal, weights: dict[int, int]) -> dict[int, Decimal]:
    """Split ``total`` in proportion to ``weights``; the last share takes the rounding rest
    so the shares add up to the total to the cent."""
    whole = sum(weights.values())
    shares: dict[int, Decimal] = {}
    if not whole:
        return shares
    remaining = total
    keys = sorted(k for k, w in weights.items() if w)
    for key in keys[:-1]:
        share = (total * weights[key] / whole).quantize(CENT, rounding=ROUND_HALF_UP)
        shares[key] = share
        remaining -= share
    shares[keys[-1]] = remaining
    return shares


def award_amounts_by_fiscal_year(awards) -> dict[int, Decimal]:
    """Each award's amount spread over fiscal years pro rata to its days inside each."""
    totals: dict[int, Decimal] = {}
    for award in awards:
        days: dict[int, int] = {}
        for fy in range(fiscal_year_of(award.start_date), fiscal_year_of(award.end_date) + 1):
            first, last = fiscal_year_bounds(fy)
            start, end = max(first, award.start_date), min(last, award.end_date)
            days[fy] = (end - start).days + 1
        for fy, amount in _split(award.amount_usd, days).items():
            totals[fy] = totals.get(fy, Decimal("0")) + amount
    return totals


def funding_years(compact: Compact, *, awards, recorded: dict[int, Decimal]) -> list[FundingYear]:
    """U.S. awards (spread over fiscal years by days) against the partner contribution
    planned (spread evenly over the compact's years; None in every year when the compact
    reports none) and recorded (``recorded``: USD by fiscal year). No queries beyond
    iterating ``awards``."""
    years = compact.fiscal_years()
    award_amounts = award_amounts_by_fiscal_year(awards)
    planned_total = compact.partner_contribution_planned_usd
    planned = ({} if planned_total is None
               else _split(planned_total, dict.fromkeys(years, 1)))
    zero = Decimal("0.00")
    return [
        FundingYear(
            fiscal_year=fy,
            us_awards_usd=award_amounts.get(fy, zero),
            partner_planned_usd=None if planned_total is None else planned.get(fy, zero),
            partner_recorded_usd=recorded.get(fy),
        )
        for fy in sorted(set(years) | set(award_amounts) | set(recorded))
    ]


def funding_picture(*, user, compact: Compact) -> list[FundingYear]:
    """The funding picture of one compact. Two queries whatever the number of years: the
    awards and the recorded sums per year. ``compact`` must come from a scoped selector; the
    contributions are scoped again anyway."""
    recorded = dict(
        contribution_list(user=user)
        .filter(compact=compact)
        .order_by()
        .values_list("fiscal_year")
        .annotate(total=Sum("amount_usd"))
    )
    return funding_years(compact, awards=compact.awards.order_by(), recorded=recorded)
