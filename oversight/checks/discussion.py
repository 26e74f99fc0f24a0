"""Check 2: indicator data discussed at the annual dialogue, recorded in time."""

from django.utils.translation import gettext_lazy as _

from cpc.wording import Spaced, Wording
from dialogues.models import DialogueStatus

from .common import (
    DISCUSSION_RECORDED_WITHIN_DAYS,
    MET,
    NOT_MET,
    Check,
    codes_of,
    local_day,
    no_dialogue,
    not_held,
    pending_until,
    record_closes,
    recorded_in_time,
    verdict,
)


def check_indicators_discussed(dialogue, fiscal_year, today) -> Check:
    """Every key indicator of the held dialogue has a discussion stamped with an approved
    actual (the server stamps it when the discussion is recorded), recorded between the day
    the dialogue was held and ``DISCUSSION_RECORDED_WITHIN_DAYS`` after: one keyed in later,
    or before the dialogue took place, is not the dialogue's record and does not count.
    Pending until then."""
    if dialogue is None:
        return no_dialogue(2, fiscal_year, today)
    if dialogue.status == DialogueStatus.PLANNED:
        return not_held(2, dialogue, fiscal_year, today)
    keys = list(dialogue.key_indicators.all())
    if not keys:
        return verdict(2, NOT_MET, Wording(_("The dialogue had no key indicators to discuss.")))
    last_day = record_closes(dialogue)
    problems = _problems(dialogue, _sorted_by_record(dialogue, keys, last_day))
    if problems:
        return pending_until(verdict(2, NOT_MET, Spaced(*problems)), last_day, today)
    return verdict(2, MET, Wording(_("All {count} key indicators were discussed with their "
                                     "latest approved data, recorded by {day}."),
                                   count=len(keys), day=last_day))


def _sorted_by_record(dialogue, keys, last_day) -> dict[str, list]:
    """The key indicators by what the dialogue's record says of them: not discussed,
    discussed but recorded too late or too early to count, or discussed in time without
    approved data."""
    discussions = list(dialogue.discussions.all())
    in_time = [d for d in discussions if recorded_in_time(d.recorded_at, dialogue)]
    discussed = {d.indicator_id for d in in_time}
    late = {d.indicator_id for d in discussions
            if local_day(d.recorded_at) > last_day} - discussed
    early = {d.indicator_id for d in discussions} - discussed - late
    with_data = {d.indicator_id for d in in_time if d.actual_value is not None}
    return {
        "not_discussed": [k for k in keys if k.pk not in discussed | late | early],
        "late": [k for k in keys if k.pk in late],
        "early": [k for k in keys if k.pk in early],
        "without_data": [k for k in keys if k.pk in discussed and k.pk not in with_data],
    }


def _problems(dialogue, keys: dict[str, list]) -> list[Wording]:
    problems = []
    if keys["not_discussed"]:
        problems.append(Wording(_("Not discussed at the dialogue: {codes}."),
                                codes=codes_of(keys["not_discussed"])))
    if keys["late"]:
        problems.append(Wording(_("Discussion recorded late (more than {days} days after the "
                                  "dialogue of {day}), so not counted: {codes}."),
                                days=DISCUSSION_RECORDED_WITHIN_DAYS, day=dialogue.held_on,
                                codes=codes_of(keys["late"])))
    if keys["early"]:
        problems.append(Wording(_("Discussion recorded before the dialogue was held on {day}, "
                                  "so not counted: {codes}."),
                                day=dialogue.held_on, codes=codes_of(keys["early"])))
    if keys["without_data"]:
        problems.append(Wording(_("No approved data discussed for: {codes}."),
                                codes=codes_of(keys["without_data"])))
    return problems
