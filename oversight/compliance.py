"""The six GAO recommendations as live checks, per compact and fiscal year.

``compact_compliance`` reads everything it needs in a fixed number of queries, whatever the
number of indicators. Meaning of each check: the product brief; summary in docs/compliance.md.
"""

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count, Prefetch
from django.utils import timezone

from compacts.models import Compact, GuidanceDocument
from contributions.models import Contribution, SustainabilityPlan
from cpc.fiscal import fiscal_year_bounds
from dialogues.models import Dialogue, DialogueStatus, TargetProposal, TargetProposalStatus
from indicators.models import Direction, Indicator, Target, active_in_fiscal_year

MET, NOT_MET, NOT_APPLICABLE = "met", "not_met", "not_applicable"

TITLES = {
    1: "Key indicators identified before the annual dialogue",
    2: "Indicator data discussed at the annual dialogue",
    3: "Annual targets set for performance indicators",
    4: "Program guidance references the need for targets",
    5: "Partner-government contributions tracked for the year",
    6: "Sustainability discussed at the dialogue and the plan not overdue",
}


@dataclass(frozen=True)
class Check:
    recommendation: int
    title: str
    status: str
    detail: str


def _check(number: int, status: str, detail: str) -> Check:
    return Check(number, TITLES[number], status, detail)


def _codes(indicators) -> str:
    codes = sorted(indicator.code for indicator in indicators)
    shown = ", ".join(codes[:6])
    return shown + (f" and {len(codes) - 6} more" if len(codes) > 6 else "")


def dialogue_due(fiscal_year: int, dialogue: Dialogue | None, today: dt.date) -> bool:
    """A dialogue is due once one is planned, or once the fiscal year has ended."""
    return dialogue is not None or today > fiscal_year_bounds(fiscal_year)[1]


def compact_compliance(*, compact: Compact, fiscal_year: int,
                       today: dt.date | None = None) -> list[Check]:
    return compliance_for_compacts([compact], fiscal_year=fiscal_year, today=today)[compact.pk]


def compliance_for_compacts(compacts, *, fiscal_year: int,
                            today: dt.date | None = None) -> dict[int, list[Check]]:
    """The six checks for many compacts at once, in a fixed number of queries."""
    today = today or timezone.localdate()
    compacts = list(compacts)
    ids = [c.pk for c in compacts]
    performance_indicators = _performance_indicators(ids, fiscal_year)
    pending_targets = _pending_target_proposals(ids, fiscal_year)
    dialogues = {
        d.compact_id: d
        for d in Dialogue.objects.filter(compact__in=ids, fiscal_year=fiscal_year)
        .prefetch_related("key_indicators", "discussions")
    }
    guidance = _check_guidance(today)
    contributions = _contribution_counts(ids, fiscal_year)
    plans = _plans(ids)
    results = {}
    for compact in compacts:
        if not compact.is_active_in(fiscal_year):
            detail = f"The compact was not active in fiscal year {fiscal_year}."
            results[compact.pk] = [_check(n, NOT_APPLICABLE, detail) for n in TITLES]
            continue
        dialogue = dialogues.get(compact.pk)
        due = dialogue_due(fiscal_year, dialogue, today)
        results[compact.pk] = [
            _check_key_indicators_identified(dialogue, due, fiscal_year),
            _check_indicators_discussed(dialogue, due, fiscal_year),
            _check_targets(performance_indicators[compact.pk], fiscal_year,
                           pending_targets.get(compact.pk, [])),
            guidance,
            _check_contributions(contributions.get(compact.pk, 0), fiscal_year),
            _check_sustainability(plans.get(compact.pk), dialogue, due, fiscal_year, today),
        ]
    return results


def _performance_indicators(compact_ids, fiscal_year) -> dict[int, list[Indicator]]:
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


def _pending_target_proposals(compact_ids, fiscal_year) -> dict[int, list[Indicator]]:
    """Indicators whose target for the year was proposed at a dialogue and awaits staff."""
    found: dict[int, list[Indicator]] = {}
    for proposal in TargetProposal.objects.filter(
        indicator__compact__in=compact_ids, fiscal_year=fiscal_year,
        status=TargetProposalStatus.PENDING,
    ).select_related("indicator"):
        found.setdefault(proposal.indicator.compact_id, []).append(proposal.indicator)
    return found


def _contribution_counts(compact_ids, fiscal_year) -> dict[int, int]:
    rows = (Contribution.objects.filter(compact__in=compact_ids, fiscal_year=fiscal_year)
            .values("compact").annotate(n=Count("pk")))
    return {row["compact"]: row["n"] for row in rows}


def _plans(compact_ids) -> dict:
    plans = SustainabilityPlan.objects.filter(compact__in=compact_ids)
    return {plan.compact_id: plan for plan in plans}


def _no_dialogue(number: int, due: bool, fiscal_year: int) -> Check:
    if not due:
        return _check(number, NOT_APPLICABLE, f"No dialogue is due yet for FY{fiscal_year}.")
    return _check(number, NOT_MET, f"No annual dialogue is recorded for FY{fiscal_year}.")


def _check_key_indicators_identified(dialogue, due, fiscal_year) -> Check:
    """Key indicators identified, and shared with the partner government (date and channel),
    both strictly before the day the dialogue was held (or, while planned, is scheduled)."""
    if dialogue is None:
        return _no_dialogue(1, due, fiscal_year)
    keys = list(dialogue.key_indicators.all())
    if not keys:
        return _check(1, NOT_MET, "No key indicators have been identified for the dialogue.")
    meeting = dialogue.held_on or dialogue.scheduled_for
    identified = dialogue.key_indicators_identified_on
    shared, via = dialogue.key_indicators_shared_on, dialogue.key_indicators_shared_via
    problems = []
    if identified is None:
        problems.append("the date the key indicators were identified is not recorded")
    elif identified >= meeting:
        problems.append(f"key indicators were identified on {identified}, not before the "
                        f"dialogue of {meeting}")
    if shared is None:
        problems.append("key indicators were not shared with the partner government")
    else:
        if not via:
            problems.append(f"the channel the key indicators were shared through on {shared} "
                            "is not recorded")
        if shared >= meeting:
            problems.append(f"key indicators were shared with the partner government on "
                            f"{shared}, not before the dialogue of {meeting}")
    if problems:
        return _check(1, NOT_MET, _sentence(problems))
    return _check(1, MET, f"{len(keys)} key indicators identified on {identified} and shared "
                          f"with the partner government on {shared} "
                          f"({dialogue.get_key_indicators_shared_via_display().lower()}), "
                          f"before the dialogue of {meeting}.")


def _sentence(problems: list[str]) -> str:
    text = "; ".join(problems)
    return text[0].upper() + text[1:] + "."


def _check_indicators_discussed(dialogue, due, fiscal_year) -> Check:
    """Every key indicator of the held dialogue has a discussion stamped with an approved
    actual (the server stamps it when the discussion is recorded)."""
    if dialogue is None:
        return _no_dialogue(2, due, fiscal_year)
    if dialogue.status == DialogueStatus.PLANNED:
        return _check(2, NOT_APPLICABLE, f"The dialogue is planned for {dialogue.scheduled_for}"
                                         " and has not been held yet.")
    keys = list(dialogue.key_indicators.all())
    if not keys:
        return _check(2, NOT_MET, "The dialogue had no key indicators to discuss.")
    discussions = list(dialogue.discussions.all())
    discussed = {d.indicator_id for d in discussions}
    with_data = {d.indicator_id for d in discussions if d.actual_value is not None}
    not_discussed = [k for k in keys if k.pk not in discussed]
    without_data = [k for k in keys if k.pk in discussed and k.pk not in with_data]
    problems = []
    if not_discussed:
        problems.append(f"Not discussed at the dialogue: {_codes(not_discussed)}.")
    if without_data:
        problems.append(f"No approved data discussed for: {_codes(without_data)}.")
    if problems:
        return _check(2, NOT_MET, " ".join(problems))
    return _check(2, MET, f"All {len(keys)} key indicators were discussed with their latest "
                          "approved data.")


def _sets_no_bar(target: Target, indicator: Indicator) -> bool:
    """A target of 0 where higher is better is met by any result, even none at all."""
    return target.value == 0 and indicator.direction == Direction.INCREASE


def _check_targets(indicators, fiscal_year, pending) -> Check:
    """GAO recommendation 3: every performance indicator tracked in the year has an annual
    target for it. Only targets count (a proposal counts once TIP staff accept it)."""
    if not indicators:
        return _check(3, NOT_MET, f"No performance indicators are defined for FY{fiscal_year}.")
    missing, no_bar = [], []
    for indicator in indicators:
        target = next(iter(indicator.targets.all()), None)
        if target is None:
            missing.append(indicator)
        elif _sets_no_bar(target, indicator):
            no_bar.append(indicator)
    total, with_target = len(indicators), len(indicators) - len(missing) - len(no_bar)
    if not (missing or no_bar):
        return _check(3, MET, f"All {total} performance indicators tracked in FY{fiscal_year} "
                              f"have a FY{fiscal_year} target.")
    problems = []
    if missing:
        problems.append(f"no FY{fiscal_year} target for: {_codes(missing)}")
    if no_bar:
        problems.append(f"a FY{fiscal_year} target of 0, which any result meets, for: "
                        f"{_codes(no_bar)}")
    detail = "; ".join(problems)
    detail = (f"{detail[0].upper()}{detail[1:]}. {with_target} of {total} performance "
              "indicators have a target that counts.")
    if pending:
        detail += f" Target proposals await TIP staff for: {_codes(pending)}."
    return _check(3, NOT_MET, detail)


def _check_guidance(today) -> Check:
    guidance = GuidanceDocument.current(on=today)
    if guidance is None:
        return _check(4, NOT_MET, "No program guidance document is recorded.")
    if not guidance.requires_targets:
        return _check(4, NOT_MET, f"The current guidance ({guidance}) does not reference the "
                                  "need for targets.")
    return _check(4, MET, f"The current guidance ({guidance}) requires targets.")


def _check_contributions(count: int, fiscal_year) -> Check:
    if not count:
        return _check(5, NOT_MET, f"No partner contribution is recorded for FY{fiscal_year}.")
    return _check(5, MET, f"{count} partner contributions recorded for FY{fiscal_year}.")


def _check_sustainability(plan, dialogue, due, fiscal_year, today) -> Check:
    overdue = bool(plan and plan.is_overdue(on=today))
    if dialogue is None:
        return _no_dialogue(6, due, fiscal_year)
    if dialogue.status == DialogueStatus.PLANNED:
        if overdue:
            return _check(6, NOT_MET, f"The sustainability plan was due on {plan.due_on} and "
                                      "has not been received.")
        return _check(6, NOT_APPLICABLE, "The dialogue has not been held yet.")
    problems = []
    if not dialogue.sustainability_discussed:
        problems.append("sustainability was not discussed at the dialogue")
    if overdue:
        problems.append(f"the sustainability plan was due on {plan.due_on} and has not been "
                        "received")
    if problems:
        return _check(6, NOT_MET, "; ".join(problems).capitalize() + ".")
    return _check(6, MET, "Sustainability was discussed and the plan is not overdue.")


def compliance_as_dict(*, compact: Compact, fiscal_year: int, today=None) -> dict:
    checks = compact_compliance(compact=compact, fiscal_year=fiscal_year, today=today)
    return {"compact": compact.pk, "fiscal_year": fiscal_year,
            "checks": [asdict(check) for check in checks]}
