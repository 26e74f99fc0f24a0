"""Check 3: annual targets set for the performance indicators tracked in the year."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from cpc.fiscal import fiscal_year_bounds
from cpc.wording import Sentence, Spaced, Wording
from dialogues.models import (
    TargetProposal,
    TargetProposalStatus,
)
from indicators.models import Direction, Indicator, Target, active_in_fiscal_year

from .common import (
    MET,
    NOT_MET,
    Check,
    codes_of,
    local_day,
    verdict,
)


def tracked_indicators(compact_ids, fiscal_year) -> dict[int, list[Indicator]]:
    """Each compact's indicators tracked in the fiscal year, with that year's target."""
    found: dict[int, list[Indicator]] = {pk: [] for pk in compact_ids}
    for indicator in (
        Indicator.objects.filter(active_in_fiscal_year(fiscal_year), compact__in=compact_ids)
        .prefetch_related(Prefetch("targets", queryset=Target.objects.filter(
            fiscal_year=fiscal_year)))
        .order_by("code")
    ):
        found[indicator.compact_id].append(indicator)
    return found


def proposals_awaiting_staff(compact_ids, fiscal_year) -> dict[int, list[Indicator]]:
    """Indicators whose target for the year was proposed at a dialogue and awaits staff."""
    found: dict[int, list[Indicator]] = {}
    for proposal in TargetProposal.objects.filter(
        indicator__compact__in=compact_ids, fiscal_year=fiscal_year,
        status=TargetProposalStatus.PENDING,
    ).select_related("indicator"):
        found.setdefault(proposal.indicator.compact_id, []).append(proposal.indicator)
    return found


def _sets_no_bar(target: Target, indicator: Indicator) -> bool:
    """A target of 0 where higher is better is met by any result, even none at all."""
    return target.value == 0 and indicator.direction == Direction.INCREASE


def check_targets(indicators, fiscal_year, pending) -> Check:
    """GAO recommendation 3: every performance indicator tracked in the year has an annual
    target for it, recorded (server time) before the year ended: a target typed in after
    the year is shown as set after the year and does not count. Only targets count (a
    proposal counts once TIP staff accept it)."""
    if not indicators:
        return verdict(3, NOT_MET, Wording(
            _("No performance indicators are defined for FY{year}."), year=fiscal_year))
    year_ends = fiscal_year_bounds(fiscal_year)[1]
    missing, no_bar, after_year = [], [], []
    for indicator in indicators:
        target = next(iter(indicator.targets.all()), None)
        if target is None:
            missing.append(indicator)
        elif local_day(target.recorded_at) > year_ends:
            after_year.append(indicator)
        elif _sets_no_bar(target, indicator):
            no_bar.append(indicator)
    total = len(indicators)
    with_target = total - len(missing) - len(no_bar) - len(after_year)
    if not (missing or no_bar or after_year):
        return verdict(3, MET, Wording(_("All {count} performance indicators tracked in FY{year} "
                                           "have a FY{year} target."),
                                         count=total, year=fiscal_year))
    problems = []
    if missing:
        problems.append(Wording(_("no FY{year} target for: {codes}"),
                                year=fiscal_year, codes=codes_of(missing)))
    if after_year:
        problems.append(Wording(_("a FY{year} target set after the year ended ({day}), which "
                                  "does not count, for: {codes}"),
                                year=fiscal_year, day=year_ends, codes=codes_of(after_year)))
    if no_bar:
        problems.append(Wording(_("a FY{year} target of 0, which any result meets, for: "
                                  "{codes}"), year=fiscal_year, codes=codes_of(no_bar)))
    parts = [Sentence(problems), Wording(
        _("{count} of {total} performance indicators have a target that counts."),
        count=with_target, total=total)]
    if pending:
        parts.append(Wording(_("Target proposals await TIP staff for: {codes}."),
                             codes=codes_of(pending)))
    return verdict(3, NOT_MET, Spaced(*parts))
