"""The six GAO recommendations as live checks, per compact and fiscal year.

``compact_compliance`` reads everything it needs in a fixed number of queries, whatever the
number of indicators. Meaning of each check: the product brief; summary in docs/compliance.md.
"""

import datetime as dt
from dataclasses import asdict, dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from compacts.models import Compact, GuidanceDocument
from contributions.models import Contribution, SustainabilityPlan, verified_by_a_second_person
from cpc.fiscal import fiscal_year_bounds, fiscal_year_window
from cpc.i18n import in_english
from cpc.wording import Lower, Money, Sentence, Spaced, Wording
from dialogues.models import (
    DIALOGUE_DAYS_AFTER_FISCAL_YEAR,
    DISCUSSION_NOTES_MIN_CHARS,
    Dialogue,
    DialogueStatus,
    TargetProposal,
    TargetProposalStatus,
)
from indicators.models import Direction, Indicator, Target, active_in_fiscal_year

MET, NOT_MET, PENDING, NOT_APPLICABLE = "met", "not_met", "pending", "not_applicable"
STATUSES = (MET, NOT_MET, PENDING, NOT_APPLICABLE)

# A discussion recorded more than this many days after the dialogue was held is not the
# record of the dialogue: it does not count for check 2.
DISCUSSION_RECORDED_WITHIN_DAYS = 30

# The checks' titles and details are Wordings: English to the cache, the reports and the
# API, in the reader's language on the pages (cpc/wording.py).
TITLES = {
    1: _("Key indicators identified before the annual dialogue"),
    2: _("Indicator data discussed at the annual dialogue"),
    3: _("Annual targets set for performance indicators"),
    4: _("Program guidance references the need for targets"),
    5: _("Partner-government contributions tracked for the year"),
    6: _("Sustainability discussed at the dialogue and the plan not overdue"),
}

# What each check requires, in words (the criterion a report prints under each finding).
CRITERIA = {
    1: "The fiscal year's annual dialogue has its key indicators identified, and shared with "
       "the partner government by a recorded channel, both recorded in the system before the "
       "day the dialogue is held (or, while planned, scheduled); once held, they are frozen.",
    2: f"Every key indicator of the held dialogue was discussed with an approved actual value "
       f"on record, in a discussion recorded within {DISCUSSION_RECORDED_WITHIN_DAYS} days of "
       f"the dialogue.",
    3: "Every performance indicator tracked in the fiscal year has an annual target for that "
       "year, recorded before the year ended; a target proposed at a dialogue counts once TIP "
       "Office staff accept it.",
    4: "The program guidance in force during the fiscal year references the need for "
       "indicator targets, and a second TIP Office staff member confirmed the passage.",
    5: f"At least one partner-government contribution of the fiscal year is worth at least "
       f"${settings.CHECK5_MIN_USD:,} (its U.S. dollar value, estimated for personnel and "
       f"in-kind contributions), has evidence attached and was verified by a TIP Office staff "
       f"member other than the person who entered or last changed it.",
    6: "The held dialogue records a discussion of sustainability with notes, the compact's "
       "sustainability plan (with its measures) was requested, as dated by the system, no "
       "later than the day the dialogue was held, and the plan is not overdue.",
}

# Each check's deadline, in words (docs and reports): until it passes, a check not yet
# met is pending (``_pending_until``).
DEADLINES = {
    1: "the day before the dialogue is held (or the close of the fiscal year's dialogue "
       "window, while none is held)",
    2: f"{DISCUSSION_RECORDED_WITHIN_DAYS} days after the dialogue is held (or the close of "
       f"the dialogue window, while none is held)",
    3: "the end of the fiscal year",
    4: "the end of the fiscal year",
    5: f"the close of the fiscal year's dialogue window ({DIALOGUE_DAYS_AFTER_FISCAL_YEAR} "
       f"days after the year ends)",
    6: "the day the dialogue is held (or the close of the dialogue window, while none is "
       "held); an overdue plan fails it at once",
}


@dataclass(frozen=True)
class Check:
    recommendation: int
    title: str
    status: str
    detail: str
    # The day by which a pending check must be met (None unless pending).
    due_on: dt.date | None = None


def _check(number: int, status: str, detail: str) -> Check:
    return Check(number, Wording(TITLES[number]), status, detail)


def _pending_until(check: Check, due_on: dt.date | None, today: dt.date) -> Check:
    """A check not met before its deadline is pending, with the day it is due."""
    if check.status != NOT_MET or due_on is None or today > due_on:
        return check
    return replace(check, status=PENDING, due_on=due_on,
                   detail=Spaced(check.detail, Wording(_("Due by {day}."), day=due_on)))


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def window_closes(fiscal_year: int) -> dt.date:
    """The last day a fiscal year's dialogue may be held."""
    return fiscal_year_window(fiscal_year, days_after=DIALOGUE_DAYS_AFTER_FISCAL_YEAR)[1]


def _codes(indicators) -> str:
    codes = sorted(indicator.code for indicator in indicators)
    shown = ", ".join(codes[:6])
    if len(codes) <= 6:
        return shown
    return Wording(_("{codes} and {count} more"), codes=shown, count=len(codes) - 6)


def compact_compliance(*, compact: Compact, fiscal_year: int,
                       today: dt.date | None = None) -> list[Check]:
    return compliance_for_compacts([compact], fiscal_year=fiscal_year, today=today)[compact.pk]


# The checks' wording is English for every reader (the reports print it, and it is cached
# once for all): a Spanish reader's request must not put Spanish labels into it.
@in_english
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
    guidance = _check_guidance(fiscal_year)
    contributions = contribution_facts(ids, fiscal_year)
    plans = _plans(ids)
    results = {}
    for compact in compacts:
        if not compact.is_active_in(fiscal_year):
            detail = Wording(_("The compact was not active in fiscal year {year}."),
                             year=fiscal_year)
            results[compact.pk] = [_check(n, NOT_APPLICABLE, detail) for n in TITLES]
            continue
        dialogue = dialogues.get(compact.pk)
        year_ends, window = fiscal_year_bounds(fiscal_year)[1], window_closes(fiscal_year)
        results[compact.pk] = [
            _check_key_indicators_identified(dialogue, fiscal_year, today),
            _check_indicators_discussed(dialogue, fiscal_year, today),
            _pending_until(_check_targets(performance_indicators[compact.pk], fiscal_year,
                                          pending_targets.get(compact.pk, [])),
                           year_ends, today),
            _pending_until(guidance, year_ends, today),
            _pending_until(_check_contributions(
                contributions.get(compact.pk, NO_CONTRIBUTIONS), fiscal_year), window, today),
            _check_sustainability(plans.get(compact.pk), dialogue, fiscal_year, today),
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


@dataclass(frozen=True)
class ContributionFacts:
    """What a compact's partner contributions of one fiscal year hold, for check 5.

    A contribution *counts* when its U.S. dollar value (``amount_usd``; for personnel and
    in-kind contributions, their estimated value) is at least ``settings.CHECK5_MIN_USD``,
    it has evidence attached, and it was verified by TIP staff other than the person who
    recorded it or last changed its figures or evidence (four eyes)."""

    recorded: int = 0
    zero_value: int = 0
    without_evidence: int = 0
    not_verified: int = 0
    counted: int = 0
    counted_usd: Decimal = Decimal("0.00")
    below_threshold: int = 0
    self_verified: int = 0
    threshold_usd: int = 0


NO_CONTRIBUTIONS = ContributionFacts()


def contribution_facts(compact_ids, fiscal_year) -> dict[int, ContributionFacts]:
    """Check 5's facts per compact, in one query. Reports read them too, so that anything
    printed beside the check (a partner-budget status) comes from the same facts."""
    threshold = Decimal(settings.CHECK5_MIN_USD)
    tallies: dict[int, dict] = {}
    rows = (Contribution.objects.filter(compact__in=compact_ids, fiscal_year=fiscal_year)
            .order_by().values_list("compact_id", "amount_usd", "amount_local",
                                    "personnel_count", "evidence", "verified",
                                    "verified_by_id", "recorded_by_id", "value_changed_by_id"))
    for (compact_id, usd, local, personnel, evidence, verified, verifier, recorder,
         changer) in rows:
        tally = tallies.setdefault(compact_id, dict.fromkeys(
            ("recorded", "zero_value", "without_evidence", "not_verified", "counted",
             "below_threshold", "self_verified"), 0)
            | {"counted_usd": Decimal("0.00"), "threshold_usd": settings.CHECK5_MIN_USD})
        has_value = (usd or 0) > 0 or (local or 0) > 0 or (personnel or 0) > 0
        material = (usd or 0) >= threshold
        own = verified and not verified_by_a_second_person(
            verified=verified, verifier_id=verifier, recorder_id=recorder, changer_id=changer)
        tally["recorded"] += 1
        tally["zero_value"] += not has_value
        tally["below_threshold"] += has_value and not material
        tally["without_evidence"] += not evidence
        tally["not_verified"] += not verified
        tally["self_verified"] += own
        if has_value and material and evidence and verified and not own:
            tally["counted"] += 1
            tally["counted_usd"] += usd or 0
    return {pk: ContributionFacts(**tally) for pk, tally in tallies.items()}


def _plans(compact_ids) -> dict:
    plans = SustainabilityPlan.objects.filter(compact__in=compact_ids).annotate(
        measure_count=Count("measures"))
    return {plan.compact_id: plan for plan in plans}


def _no_dialogue(number: int, fiscal_year: int, today: dt.date) -> Check:
    """No dialogue recorded: pending while the year's dialogue window is open."""
    window = window_closes(fiscal_year)
    if today <= window:
        return _pending_until(_check(number, NOT_MET, Wording(
            _("No annual dialogue is recorded for FY{year} yet."), year=fiscal_year)),
            window, today)
    return _check(number, NOT_MET, Wording(
        _("No annual dialogue was held for FY{year}; its dialogue window closed on {day}."),
        year=fiscal_year, day=window))


def _not_held(number: int, dialogue, fiscal_year: int, today: dt.date) -> Check:
    """A planned dialogue: what is checked at it is pending while it may still be held."""
    window = window_closes(fiscal_year)
    if today <= window:
        return _pending_until(_check(number, NOT_MET, Wording(
            _("The dialogue is planned for {day} and has not been held yet."),
            day=dialogue.scheduled_for)), window, today)
    return _check(number, NOT_MET, Wording(
        _("The dialogue planned for {day} was not held; the FY{year} dialogue window closed "
          "on {closed}."), day=dialogue.scheduled_for, year=fiscal_year, closed=window))


def _check_key_indicators_identified(dialogue, fiscal_year, today) -> Check:
    """Key indicators identified, and shared with the partner government (date and channel),
    both recorded in the system (server time, not the dates typed) strictly before the day
    the dialogue was held (or, while planned, is scheduled). Pending until then."""
    if dialogue is None:
        return _no_dialogue(1, fiscal_year, today)
    meeting = dialogue.held_on or dialogue.scheduled_for
    check = _key_indicators_verdict(dialogue, meeting)
    if dialogue.status != DialogueStatus.PLANNED:
        return check
    if today < meeting:
        return _pending_until(check, meeting - dt.timedelta(days=1), today)
    # Past its day but not held: the key indicators may still precede the day it is held.
    return _pending_until(check, window_closes(fiscal_year), today)


def _key_indicators_verdict(dialogue, meeting: dt.date) -> Check:
    keys = list(dialogue.key_indicators.all())
    if not keys:
        return _check(1, NOT_MET, Wording(
            _("No key indicators have been identified for the dialogue.")))
    identified = _local_day(dialogue.key_indicators_recorded_at)
    shared, via = dialogue.key_indicators_shared_on, dialogue.key_indicators_shared_via
    shared_recorded = _local_day(dialogue.key_indicators_shared_recorded_at)
    problems = []
    if identified is None:
        problems.append(Wording(_("when the key indicators were identified is not recorded")))
    elif identified >= meeting:
        problems.append(Wording(_("the key indicators were recorded on {day}, not before the "
                                  "dialogue of {meeting}"), day=identified, meeting=meeting))
    if shared is None:
        problems.append(Wording(_("key indicators were not shared with the partner "
                                  "government")))
    else:
        if not via:
            problems.append(Wording(_("the channel the key indicators were shared through on "
                                      "{day} is not recorded"), day=shared))
        if shared >= meeting:
            problems.append(Wording(_("key indicators were shared with the partner government "
                                      "on {day}, not before the dialogue of {meeting}"),
                                    day=shared, meeting=meeting))
        if shared_recorded is None:
            problems.append(Wording(_("when their sharing was recorded is not known")))
        elif shared_recorded >= meeting:
            problems.append(Wording(_("their sharing was recorded on {day}, not before the "
                                      "dialogue of {meeting}"),
                                    day=shared_recorded, meeting=meeting))
    if problems:
        return _check(1, NOT_MET, Sentence(problems))
    via_label = dict(dialogue._meta.get_field("key_indicators_shared_via").flatchoices)[via]
    return _check(1, MET, Wording(
        _("{count} key indicators identified on {day} and shared with the partner government "
          "on {shared} ({via}), both recorded before the dialogue of {meeting}."),
        count=len(keys), day=identified, shared=shared, via=Lower(via_label), meeting=meeting))


def _record_closes(dialogue) -> dt.date:
    """The last day the record of a held dialogue is kept as its own: what is recorded
    later was keyed in after the fact (checks 2 and 6)."""
    return dialogue.held_on + dt.timedelta(days=DISCUSSION_RECORDED_WITHIN_DAYS)


def _recorded_in_time(moment: dt.datetime | None, dialogue) -> bool:
    """Recorded (server time) between the day the dialogue was held and the close of its
    record: neither before it took place nor long after."""
    day = _local_day(moment)
    return day is not None and dialogue.held_on <= day <= _record_closes(dialogue)


def _check_indicators_discussed(dialogue, fiscal_year, today) -> Check:
    """Every key indicator of the held dialogue has a discussion stamped with an approved
    actual (the server stamps it when the discussion is recorded), recorded between the day
    the dialogue was held and ``DISCUSSION_RECORDED_WITHIN_DAYS`` after: one keyed in later,
    or before the dialogue took place, is not the dialogue's record and does not count.
    Pending until then."""
    if dialogue is None:
        return _no_dialogue(2, fiscal_year, today)
    if dialogue.status == DialogueStatus.PLANNED:
        return _not_held(2, dialogue, fiscal_year, today)
    keys = list(dialogue.key_indicators.all())
    if not keys:
        return _check(2, NOT_MET, Wording(_("The dialogue had no key indicators to discuss.")))
    last_day = _record_closes(dialogue)
    discussions = list(dialogue.discussions.all())
    in_time = [d for d in discussions if _recorded_in_time(d.recorded_at, dialogue)]
    discussed = {d.indicator_id for d in in_time}
    late = {d.indicator_id for d in discussions
            if _local_day(d.recorded_at) > last_day} - discussed
    early = {d.indicator_id for d in discussions} - discussed - late
    with_data = {d.indicator_id for d in in_time if d.actual_value is not None}
    recorded_late = [k for k in keys if k.pk in late]
    recorded_early = [k for k in keys if k.pk in early]
    not_discussed = [k for k in keys if k.pk not in discussed | late | early]
    without_data = [k for k in keys if k.pk in discussed and k.pk not in with_data]
    problems = []
    if not_discussed:
        problems.append(Wording(_("Not discussed at the dialogue: {codes}."),
                                codes=_codes(not_discussed)))
    if recorded_late:
        problems.append(Wording(_("Discussion recorded late (more than {days} days after the "
                                  "dialogue of {day}), so not counted: {codes}."),
                                days=DISCUSSION_RECORDED_WITHIN_DAYS, day=dialogue.held_on,
                                codes=_codes(recorded_late)))
    if recorded_early:
        problems.append(Wording(_("Discussion recorded before the dialogue was held on {day}, "
                                  "so not counted: {codes}."),
                                day=dialogue.held_on, codes=_codes(recorded_early)))
    if without_data:
        problems.append(Wording(_("No approved data discussed for: {codes}."),
                                codes=_codes(without_data)))
    if problems:
        return _pending_until(_check(2, NOT_MET, Spaced(*problems)), last_day, today)
    return _check(2, MET, Wording(_("All {count} key indicators were discussed with their "
                                    "latest approved data, recorded by {day}."),
                                  count=len(keys), day=last_day))


def _sets_no_bar(target: Target, indicator: Indicator) -> bool:
    """A target of 0 where higher is better is met by any result, even none at all."""
    return target.value == 0 and indicator.direction == Direction.INCREASE


def _check_targets(indicators, fiscal_year, pending) -> Check:
    """GAO recommendation 3: every performance indicator tracked in the year has an annual
    target for it, recorded (server time) before the year ended: a target typed in after
    the year is shown as set after the year and does not count. Only targets count (a
    proposal counts once TIP staff accept it)."""
    if not indicators:
        return _check(3, NOT_MET, Wording(
            _("No performance indicators are defined for FY{year}."), year=fiscal_year))
    year_ends = fiscal_year_bounds(fiscal_year)[1]
    missing, no_bar, after_year = [], [], []
    for indicator in indicators:
        target = next(iter(indicator.targets.all()), None)
        if target is None:
            missing.append(indicator)
        elif _local_day(target.recorded_at) > year_ends:
            after_year.append(indicator)
        elif _sets_no_bar(target, indicator):
            no_bar.append(indicator)
    total = len(indicators)
    with_target = total - len(missing) - len(no_bar) - len(after_year)
    if not (missing or no_bar or after_year):
        return _check(3, MET, Wording(_("All {count} performance indicators tracked in FY{year} "
                                        "have a FY{year} target."),
                                      count=total, year=fiscal_year))
    problems = []
    if missing:
        problems.append(Wording(_("no FY{year} target for: {codes}"),
                                year=fiscal_year, codes=_codes(missing)))
    if after_year:
        problems.append(Wording(_("a FY{year} target set after the year ended ({day}), which "
                                  "does not count, for: {codes}"),
                                year=fiscal_year, day=year_ends, codes=_codes(after_year)))
    if no_bar:
        problems.append(Wording(_("a FY{year} target of 0, which any result meets, for: "
                                  "{codes}"), year=fiscal_year, codes=_codes(no_bar)))
    parts = [Sentence(problems), Wording(
        _("{count} of {total} performance indicators have a target that counts."),
        count=with_target, total=total)]
    if pending:
        parts.append(Wording(_("Target proposals await TIP staff for: {codes}."),
                             codes=_codes(pending)))
    return _check(3, NOT_MET, Spaced(*parts))


def _check_guidance(fiscal_year) -> Check:
    """GAO recommendation 4: the guidance version in force during the fiscal year
    (GuidanceDocument.in_force_during) has its document attached, quotes the passage
    that references the need for targets, and a second TIP Office staff member confirmed
    that passage (compacts.services.guidance_document_confirm). Not today's version: the
    year's."""
    guidance = GuidanceDocument.in_force_during(fiscal_year)
    if guidance is None:
        if not GuidanceDocument.objects.exists():
            return _check(4, NOT_MET, Wording(_("No program guidance document is recorded.")))
        return _check(4, NOT_MET, Wording(_("No program guidance version was in force in "
                                            "FY{year}."), year=fiscal_year))
    version = {"year": fiscal_year, "guidance": str(guidance), "day": guidance.effective_from}
    no_passage, no_document = not guidance.targets_passage.strip(), not guidance.document
    if no_passage and no_document:
        return _check(4, NOT_MET, Wording(_(
            "The guidance in force in FY{year}, {guidance} (effective {day}), quotes no passage "
            "on the need for targets and has no document attached."), **version))
    if no_passage:
        return _check(4, NOT_MET, Wording(_(
            "The guidance in force in FY{year}, {guidance} (effective {day}), quotes no passage "
            "on the need for targets."), **version))
    if no_document:
        return _check(4, NOT_MET, Wording(_(
            "The guidance in force in FY{year}, {guidance} (effective {day}), has no document "
            "attached."), **version))
    if not guidance.is_confirmed:
        return _check(4, NOT_MET, Wording(_(
            "The guidance in force in FY{year}, {guidance} (effective {day}), quotes a passage "
            "on targets that no second TIP Office staff member has confirmed yet: "
            "“{passage}”"), passage=guidance.passage_excerpt, **version))
    return _check(4, MET, Wording(_(
        "The guidance in force in FY{year}, {guidance} (effective {day}), references targets "
        "(confirmed on {confirmed}): “{passage}”"),
        confirmed=guidance.confirmed_at.date(), passage=guidance.passage_excerpt, **version))


def _check_contributions(facts: ContributionFacts, fiscal_year) -> Check:
    """GAO recommendation 5: met when at least one contribution of the year is worth at
    least CHECK5_MIN_USD in U.S. dollars, has evidence and was verified by TIP staff other
    than whoever entered or last changed it; zero-value records never count."""
    if not facts.recorded:
        return _check(5, NOT_MET, Wording(
            _("No partner contribution is recorded for FY{year}."), year=fiscal_year))
    threshold = Money(facts.threshold_usd)
    recorded = Wording(ngettext_lazy("{count} contribution recorded for FY{year}",
                                     "{count} contributions recorded for FY{year}",
                                     facts.recorded), count=facts.recorded, year=fiscal_year)
    if facts.counted:
        return _check(5, MET, Wording(
            _("{recorded}; {counted} worth at least {threshold} with evidence and verification "
              "by a second person ({amount})."), recorded=recorded, counted=facts.counted,
            threshold=threshold, amount=Money(facts.counted_usd, 2)))
    lacks = [Wording(what, count=n) for n, what in (
        (facts.without_evidence, _("{count} without evidence")),
        (facts.not_verified, _("{count} not verified")),
        (facts.self_verified, _("{count} verified by the person who entered or last changed "
                                "it")),
        (facts.zero_value, _("{count} of zero value")),
    ) if n]
    if facts.below_threshold:
        lacks.append(Wording(_("{count} below {threshold}"), count=facts.below_threshold,
                             threshold=threshold))
    return _check(5, NOT_MET, Wording(
        _("{recorded}, none worth at least {threshold} with evidence and verification by a "
          "second person: {lacks}."), recorded=recorded, threshold=threshold, lacks=lacks))


def _check_sustainability(plan, dialogue, fiscal_year, today) -> Check:
    """GAO recommendation 6: the held dialogue records a sustainability discussion with
    notes of substance, recorded (server time) between the day it was held and 30 days
    after, the sustainability plan was requested (the day the system recorded
    the request, never a typed date) no later than the day it was held and holds measures,
    and the plan is not overdue (SustainabilityPlan.is_overdue). Each missing piece is
    named. Pending while the dialogue may still be held; an overdue plan fails at once."""
    overdue = bool(plan and plan.is_overdue(on=today))
    requested_on = _local_day(plan.requested_at) if plan is not None else None
    if dialogue is None or dialogue.status == DialogueStatus.PLANNED:
        if overdue:
            return _check(6, NOT_MET, Wording(
                _("The sustainability plan was due on {day} and has not been received."),
                day=plan.due_on))
        if dialogue is None:
            return _no_dialogue(6, fiscal_year, today)
        return _not_held(6, dialogue, fiscal_year, today)
    held_on = dialogue.held_on
    notes = (dialogue.sustainability_notes or "").strip()
    recorded_on = _local_day(dialogue.sustainability_recorded_at)
    problems = []
    if not dialogue.sustainability_discussed:
        problems.append(Wording(_("sustainability was not discussed at the dialogue")))
    elif not notes:
        problems.append(Wording(_("the dialogue records no notes of its sustainability "
                                  "discussion")))
    elif len(notes) < DISCUSSION_NOTES_MIN_CHARS:
        problems.append(Wording(_("the notes of its sustainability discussion say too little "
                                  "(under {count} characters)"),
                                count=DISCUSSION_NOTES_MIN_CHARS))
    elif recorded_on is None:
        problems.append(Wording(_("when its sustainability discussion was recorded is not "
                                  "known")))
    elif held_on is not None and not _recorded_in_time(dialogue.sustainability_recorded_at,
                                                       dialogue):
        if recorded_on < held_on:
            problems.append(Wording(_("its sustainability discussion was recorded on {day}, "
                                      "before the dialogue was held, so it does not count"),
                                    day=recorded_on))
        else:
            problems.append(Wording(_("its sustainability discussion was recorded on {day}, "
                                      "more than {days} days after the dialogue, so it does "
                                      "not count"),
                                    day=recorded_on, days=DISCUSSION_RECORDED_WITHIN_DAYS))
    if requested_on is None:
        problems.append(Wording(_("the sustainability plan was never requested")))
    elif held_on is None or requested_on > held_on:
        problems.append(Wording(_("the sustainability plan was requested on {day}, after the "
                                  "dialogue of {meeting}"), day=requested_on, meeting=held_on))
    elif not plan.measure_count:
        problems.append(Wording(_("the sustainability plan records no measures, so it is not "
                                  "current")))
    if overdue:
        problems.append(Wording(_("the sustainability plan was due on {day} and has not been "
                                  "received"), day=plan.due_on))
    if problems:
        return _check(6, NOT_MET, Sentence(problems))
    if plan.received_on:
        return _check(6, MET, Wording(
            _("Sustainability was discussed at the dialogue of {meeting}, with notes; the plan "
              "was requested on {day} and is received on {standing}."),
            meeting=held_on, day=requested_on, standing=plan.received_on))
    return _check(6, MET, Wording(
        _("Sustainability was discussed at the dialogue of {meeting}, with notes; the plan was "
          "requested on {day} and is due on {standing}."),
        meeting=held_on, day=requested_on, standing=plan.due_on))


def compliance_as_dict(*, compact: Compact, fiscal_year: int, today=None) -> dict:
    checks = compact_compliance(compact=compact, fiscal_year=fiscal_year, today=today)
    return {"compact": compact.pk, "fiscal_year": fiscal_year,
            "checks": [asdict(check) for check in checks]}


# The checks that read the dialogue's own record: once it is closed that record changes no
# more, so what they still wait for cannot come. The others (targets, guidance,
# contributions) do not depend on the dialogue's record and may still be met after it.
DIALOGUE_RECORD_CHECKS = (1, 2, 6)


@in_english
def once_closed(checks: list[Check]) -> list[Check]:
    """The checks as they will stand once the year's dialogue is closed: a pending check of
    the dialogue's record will read not met, for nothing more can be recorded at it (unless
    TIP staff reopen it); every other check stands as it does now."""
    projected = []
    for check in checks:
        if check.recommendation in DIALOGUE_RECORD_CHECKS and check.status == PENDING:
            check = replace(check, status=NOT_MET, due_on=None, detail=Spaced(
                check.detail, Wording(_("Once the dialogue is closed its record changes no "
                                        "more, so this check will read not met."))))
        projected.append(check)
    return projected


def checks_once_closed(*, dialogue: Dialogue, today: dt.date | None = None) -> list[Check]:
    """The six checks of the dialogue's compact and fiscal year once it is closed."""
    return once_closed(compact_compliance(compact=dialogue.compact,
                                          fiscal_year=dialogue.fiscal_year, today=today))
