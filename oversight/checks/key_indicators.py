"""Check 1: key indicators identified and shared before the annual dialogue."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from cpc.wording import Lower, Sentence, Wording
from dialogues.models import DialogueStatus

from .common import (
    MET,
    NOT_MET,
    Check,
    local_day,
    no_dialogue,
    pending_until,
    verdict,
    window_closes,
)


def check_key_indicators_identified(dialogue, fiscal_year, today) -> Check:
    """Key indicators identified, and shared with the partner government (date and channel),
    both recorded in the system (server time, not the dates typed) strictly before the day
    the dialogue was held (or, while planned, is scheduled). Pending until then."""
    if dialogue is None:
        return no_dialogue(1, fiscal_year, today)
    meeting = dialogue.held_on or dialogue.scheduled_for
    check = _key_indicators_verdict(dialogue, meeting)
    if dialogue.status != DialogueStatus.PLANNED:
        return check
    if today < meeting:
        return pending_until(check, meeting - dt.timedelta(days=1), today)
    # Past its day but not held: the key indicators may still precede the day it is held.
    return pending_until(check, window_closes(fiscal_year), today)


def _key_indicators_verdict(dialogue, meeting: dt.date) -> Check:
    keys = list(dialogue.key_indicators.all())
    if not keys:
        return verdict(1, NOT_MET, Wording(
            _("No key indicators have been identified for the dialogue.")))
    identified = local_day(dialogue.key_indicators_recorded_at)
    shared, via = dialogue.key_indicators_shared_on, dialogue.key_indicators_shared_via
    shared_recorded = local_day(dialogue.key_indicators_shared_recorded_at)
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
        return verdict(1, NOT_MET, Sentence(problems))
    via_label = dict(dialogue._meta.get_field("key_indicators_shared_via").flatchoices)[via]
    return verdict(1, MET, Wording(
        _("{count} key indicators identified on {day} and shared with the partner government "
          "on {shared} ({via}), both recorded before the dialogue of {meeting}."),
        count=len(keys), day=identified, shared=shared, via=Lower(via_label), meeting=meeting))
