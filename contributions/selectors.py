"""Every read the contributions pages and API need, scoped to the user and prefetched."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet

from compacts.models import Compact
from cpc.access.scoping import scope_to_changeable, scope_to_visible
from cpc.fiscal import fiscal_year_bounds, fiscal_year_of
from dialogues.models import Dialogue

from .models import (
    ESTIMATED_KINDS,
    Contribution,
    FollowUp,
    Measure,
    SustainabilityPlan,
    verified_by_a_second_person,
)

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
class PartnerTotals:
    """A year's partner contributions in U.S. dollars, by standing (never one "recorded"
    figure that mixes what was verified with what was not)."""

    # Funding and other contributions verified by a second person (four eyes).
    verified_usd: Decimal = Decimal("0.00")
    # Personnel and in-kind contributions (their estimated value), verified likewise.
    in_kind_usd: Decimal = Decimal("0.00")
    # Recorded but not verified, or verified by whoever entered or last changed it.
    unverified_usd: Decimal = Decimal("0.00")

    def __add__(self, other: "PartnerTotals") -> "PartnerTotals":
        return PartnerTotals(self.verified_usd + other.verified_usd,
                             self.in_kind_usd + other.in_kind_usd,
                             self.unverified_usd + other.unverified_usd)


def partner_totals(contributions: QuerySet[Contribution]) -> dict[tuple[int, int], PartnerTotals]:
    """The contributions' totals by (compact id, fiscal year), in one query: the one place
    that classes a contribution as verified, in kind or not verified (check 5 applies the
    same four-eyes rule, ``models.verified_by_a_second_person``)."""
    totals: dict[tuple[int, int], PartnerTotals] = {}
    rows = contributions.order_by().values_list(
        "compact_id", "fiscal_year", "kind", "amount_usd", "verified", "verified_by_id",
        "recorded_by_id", "value_changed_by_id")
    for compact_id, fiscal_year, kind, usd, verified, verifier, recorder, changer in rows:
        usd = usd or Decimal("0.00")
        if not verified_by_a_second_person(verified=verified, verifier_id=verifier,
                                           recorder_id=recorder, changer_id=changer):
            share = PartnerTotals(unverified_usd=usd)
        elif kind in ESTIMATED_KINDS:
            share = PartnerTotals(in_kind_usd=usd)
        else:
            share = PartnerTotals(verified_usd=usd)
        key = (compact_id, fiscal_year)
        totals[key] = totals.get(key, PartnerTotals()) + share
    return totals


@dataclass(frozen=True)
class FundingYear:
    fiscal_year: int
    us_awards_usd: Decimal
    # None when the compact does not report a planned partner contribution ("not reported").
    partner_planned_usd: Decimal | None
    # None when no partner contribution is recorded for the year ("not reported", not $0).
    partner: PartnerTotals | None = None

    @property
    def partner_verified_usd(self) -> Decimal | None:
        return None if self.partner is None else self.partner.verified_usd

    @property
    def partner_in_kind_usd(self) -> Decimal | None:
        return None if self.partner is None else self.partner.in_kind_usd

    @property
    def partner_unverified_usd(self) -> Decimal | None:
        return None if self.partner is None else self.partner.unverified_usd

    @property
    def partner_verified_total_usd(self) -> Decimal | None:
        """Verified funding and verified in-kind value together: what counts against the
        plan."""
        return None if self.partner is None else (self.partner.verified_usd
                                                  + self.partner.in_kind_usd)

    @property
    def partner_share_of_plan(self) -> Decimal | None:
        """The verified contributions (funding and in kind) as a whole percent of the plan."""
        if not self.partner_planned_usd or self.partner is None:
            return None
        return (self.partner_verified_total_usd / self.partner_planned_usd * 100).quantize(
            Decimal("1"), rounding=ROUND_HALF_UP)


def funding_total(years: list[FundingYear]) -> FundingYear:
    """The years added up (``fiscal_year`` 0). A partner figure (planned or recorded) stays
    None when no year reports one, so a missing figure never adds up to $0."""
    zero = Decimal("0.00")
    planned = [y.partner_planned_usd for y in years if y.partner_planned_usd is not None]
    recorded = [y.partner for y in years if y.partner is not None]
    total = None
    for partner in recorded:
        total = partner if total is None else total + partner
    return FundingYear(
        fiscal_year=0,
        us_awards_usd=sum((y.us_awards_usd for y in years), zero),
        partner_planned_usd=sum(planned, zero) if planned else None,
        partner=total,
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


def funding_years(compact: Compact, *, awards, recorded: dict[int, PartnerTotals]
                  ) -> list[FundingYear]:
    """U.S. awards (spread over fiscal years by days) against the partner contribution
    planned (spread evenly over the compact's years; None in every year when the compact
    reports none) and recorded (``recorded``: PartnerTotals by fiscal year). No queries
    beyond iterating ``awards``."""
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
            partner=recorded.get(fy),
        )
        for fy in sorted(set(years) | set(award_amounts) | set(recorded))
    ]


def funding_picture(*, user, compact: Compact) -> list[FundingYear]:
    """The funding picture of one compact. Two queries whatever the number of years: the
    awards and the recorded sums per year. ``compact`` must come from a scoped selector; the
    contributions are scoped again anyway."""
    recorded = {fy: totals for (_compact, fy), totals in
                partner_totals(contribution_list(user=user).filter(compact=compact)).items()}
    return funding_years(compact, awards=compact.awards.order_by(), recorded=recorded)
