"""Check 6: sustainability discussed at the dialogue, the plan requested and not overdue."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from contributions.models import SustainabilityPlan
from cpc.wording import Sentence, Wording
from dialogues.models import (
    DISCUSSION_NOTES_MIN_CHARS,
    DialogueStatus,
)

from .common import (
    DISCUSSION_RECORDED_WITHIN_DAYS,
    MET,
    NOT_MET,
    Check,
    local_day,
    no_dialogue,
    not_held,
    recorded_in_time,
    verdict,
)


def plans_with_measure_counts(compact_ids) -> dict:
    plans = SustainabilityPlan.objects.filter(compact__in=compact_ids).annotate(
        measure_count=Count("measures"))
    return {plan.compact_id: plan for plan in plans}


def check_sustainability(plan, dialogue, fiscal_year, today) -> Check:
    """GAO recommendation 6: the held dialogue records a sustainability discussion with
    notes of substance, recorded (server time) between the day it was held and 30 days
    after, the sustainability plan was requested (the day the system recorded
    the request, never a typed date) no later than the day it was held and holds measures,
    and the plan is not overdue (SustainabilityPlan.is_overdue). Each missing piece is
    named. Pending while the dialogue may still be held; an overdue plan fails at once."""
    overdue = bool(plan and plan.is_overdue(on=today))
    requested_on = local_day(plan.requested_at) if plan is not None else None
    if dialogue is None or dialogue.status == DialogueStatus.PLANNED:
        if overdue:
            return verdict(6, NOT_MET, Wording(
                _("The sustainability plan was due on {day} and has not been received."),
                day=plan.due_on))
        if dialogue is None:
            return no_dialogue(6, fiscal_year, today)
        return not_held(6, dialogue, fiscal_year, today)
    held_on = dialogue.held_on
    problems = [problem for problem in (_discussion_problem(dialogue),
                                        _request_problem(plan, requested_on, held_on))
                if problem is not None]
    if overdue:
        problems.append(Wording(_("the sustainability plan was due on {day} and has not been "
                                  "received"), day=plan.due_on))
    if problems:
        return verdict(6, NOT_MET, Sentence(problems))
    if plan.received_on:
        return verdict(6, MET, Wording(
            _("Sustainability was discussed at the dialogue of {meeting}, with notes; the plan "
              "was requested on {day} and is received on {standing}."),
            meeting=held_on, day=requested_on, standing=plan.received_on))
    return verdict(6, MET, Wording(
        _("Sustainability was discussed at the dialogue of {meeting}, with notes; the plan was "
          "requested on {day} and is due on {standing}."),
        meeting=held_on, day=requested_on, standing=plan.due_on))


def _discussion_problem(dialogue) -> Wording | None:
    """What keeps the held dialogue's sustainability discussion from counting, if anything:
    none, no notes or too few, or recorded (server time) before it or too long after."""
    held_on = dialogue.held_on
    notes = (dialogue.sustainability_notes or "").strip()
    recorded_on = local_day(dialogue.sustainability_recorded_at)
    if not dialogue.sustainability_discussed:
        return Wording(_("sustainability was not discussed at the dialogue"))
    if not notes:
        return Wording(_("the dialogue records no notes of its sustainability discussion"))
    if len(notes) < DISCUSSION_NOTES_MIN_CHARS:
        return Wording(_("the notes of its sustainability discussion say too little "
                         "(under {count} characters)"), count=DISCUSSION_NOTES_MIN_CHARS)
    if recorded_on is None:
        return Wording(_("when its sustainability discussion was recorded is not known"))
    if held_on is None or recorded_in_time(dialogue.sustainability_recorded_at, dialogue):
        return None
    if recorded_on < held_on:
        return Wording(_("its sustainability discussion was recorded on {day}, before the "
                         "dialogue was held, so it does not count"), day=recorded_on)
    return Wording(_("its sustainability discussion was recorded on {day}, more than {days} "
                     "days after the dialogue, so it does not count"),
                   day=recorded_on, days=DISCUSSION_RECORDED_WITHIN_DAYS)


def _request_problem(plan, requested_on, held_on) -> Wording | None:
    """What keeps the plan from counting at the dialogue, if anything: never requested,
    requested after it, or without measures."""
    if requested_on is None:
        return Wording(_("the sustainability plan was never requested"))
    if held_on is None or requested_on > held_on:
        return Wording(_("the sustainability plan was requested on {day}, after the "
                         "dialogue of {meeting}"), day=requested_on, meeting=held_on)
    if not plan.measure_count:
        return Wording(_("the sustainability plan records no measures, so it is not "
                         "current"))
    return None
