"""What the six checks share: their statuses, titles, the verdict they return, and the
rules of time every check reads (a pending check's deadline, the dialogue window, the close
of a held dialogue's record)."""

import datetime as dt
from dataclasses import dataclass, replace

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpc.check_status import MET, NOT_APPLICABLE, NOT_MET, PENDING, STATUSES  # noqa: F401
from cpc.fiscal import fiscal_year_window
from cpc.wording import Spaced, Wording
from dialogues.models import DIALOGUE_DAYS_AFTER_FISCAL_YEAR

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

@dataclass(frozen=True)
class Check:
    recommendation: int
    title: str
    status: str
    detail: str
    # The day by which a pending check must be met (None unless pending).
    due_on: dt.date | None = None


def verdict(number: int, status: str, detail: str) -> Check:
    return Check(number, Wording(TITLES[number]), status, detail)


def pending_until(check: Check, due_on: dt.date | None, today: dt.date) -> Check:
    """A check not met before its deadline is pending, with the day it is due."""
    if check.status != NOT_MET or due_on is None or today > due_on:
        return check
    return replace(check, status=PENDING, due_on=due_on,
                   detail=Spaced(check.detail, Wording(_("Due by {day}."), day=due_on)))


def local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def window_closes(fiscal_year: int) -> dt.date:
    """The last day a fiscal year's dialogue may be held."""
    return fiscal_year_window(fiscal_year, days_after=DIALOGUE_DAYS_AFTER_FISCAL_YEAR)[1]


def codes_of(indicators) -> str:
    codes = sorted(indicator.code for indicator in indicators)
    shown = ", ".join(codes[:6])
    if len(codes) <= 6:
        return shown
    return Wording(_("{codes} and {count} more"), codes=shown, count=len(codes) - 6)


def no_dialogue(number: int, fiscal_year: int, today: dt.date) -> Check:
    """No dialogue recorded: pending while the year's dialogue window is open."""
    window = window_closes(fiscal_year)
    if today <= window:
        return pending_until(verdict(number, NOT_MET, Wording(
            _("No annual dialogue is recorded for FY{year} yet."), year=fiscal_year)),
            window, today)
    return verdict(number, NOT_MET, Wording(
        _("No annual dialogue was held for FY{year}; its dialogue window closed on {day}."),
        year=fiscal_year, day=window))


def not_held(number: int, dialogue, fiscal_year: int, today: dt.date) -> Check:
    """A planned dialogue: what is checked at it is pending while it may still be held."""
    window = window_closes(fiscal_year)
    if today <= window:
        return pending_until(verdict(number, NOT_MET, Wording(
            _("The dialogue is planned for {day} and has not been held yet."),
            day=dialogue.scheduled_for)), window, today)
    return verdict(number, NOT_MET, Wording(
        _("The dialogue planned for {day} was not held; the FY{year} dialogue window closed "
          "on {closed}."), day=dialogue.scheduled_for, year=fiscal_year, closed=window))


def record_closes(dialogue) -> dt.date:
    """The last day the record of a held dialogue is kept as its own: what is recorded
    later was keyed in after the fact (checks 2 and 6)."""
    return dialogue.held_on + dt.timedelta(days=DISCUSSION_RECORDED_WITHIN_DAYS)


def recorded_in_time(moment: dt.datetime | None, dialogue) -> bool:
    """Recorded (server time) between the day the dialogue was held and the close of its
    record: neither before it took place nor long after."""
    day = local_day(moment)
    return day is not None and dialogue.held_on <= day <= record_closes(dialogue)
