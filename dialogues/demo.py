"""Sample annual dialogues for the demo compacts, told in the order things happened.

The story keeps to GAO's public record (../shared/DOMAIN_FACTS.md). Before September 2024 no
key indicators were picked before a dialogue nor discussed at it, indicators had no targets
and sustainability was not discussed. The dialogues with Peru, Colombia and Côte d'Ivoire
between September 2024 and January 2025 are the first that follow the practice GAO asked for:
key indicators identified and shared with the partner government weeks ahead, each discussed
with its latest approved data, annual targets proposed and accepted, contributions and
sustainability discussed. Colombia and Côte d'Ivoire keep the practice after that, and
Colombia's dialogue of the current fiscal year is planned a few weeks from the day the demo is
loaded, with its key indicators still to be identified.

Each fiscal year of a compact is written in order: its dialogue, then the results of the year
once it has ended, so every figure stamped on a discussion is one that was approved before
the dialogue. Dates of the 2024-2025 dialogues are samples inside GAO's window (other sources
place Peru's in October 2024). Every record here is a sample and says so.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from compacts.models import Compact
from cpc.fiscal import fiscal_year_bounds, fiscal_year_of, fiscal_year_window
from cpc.models import recorded_as_of
from cpc.samples import loading_samples, mark_as_samples
from indicators import demo as indicator_demo
from indicators import services as indicator_services
from indicators.models import Result, Target

from . import proposals, services
from .models import DIALOGUE_DAYS_AFTER_FISCAL_YEAR, Dialogue, DialogueStatus

SAMPLE = "(Sample record for demonstration.)"
FIRST_PRACTICE_YEAR = 2025
PRACTICE_COUNTRIES = {"CO", "PE", "CI"}
# The dialogues that first followed GAO's recommendations (sample days in GAO's window of
# September 2024 to January 2025), and those after them.
MEETINGS = {
    ("PE", 2025): dt.date(2024, 10, 15),
    ("CO", 2025): dt.date(2024, 11, 19),
    ("CI", 2025): dt.date(2025, 1, 22),
    ("CO", 2026): dt.date(2025, 11, 18),
    ("CI", 2026): dt.date(2026, 1, 21),
    ("CI", 2027): dt.date(2027, 1, 20),
}
# Colombia's dialogue of the current fiscal year is scheduled for the day the demo is
# loaded, prepared (key indicators identified and shared) this many days before, so the
# officer can hold and log it at once with check 1 met.
PREPARED_DAYS_BEFORE = 10
IDENTIFIED_DAYS_BEFORE, SHARED_DAYS_BEFORE = 42, 35
# An officer's proposal awaits TIP staff: made at Colombia's FY 2026 dialogue for FY 2027.
PENDING_PROPOSAL = ("CO", 2026, 2027)


def _old_practice_day(compact: Compact, fiscal_year: int) -> dt.date:
    start, end = fiscal_year_bounds(fiscal_year)
    meeting = dt.date(fiscal_year, 3, 15)
    if not (compact.start_date <= meeting <= compact.current_end_date):
        meeting = min(max(compact.start_date + dt.timedelta(days=30), start), end)
    return meeting


def _meeting_day(compact: Compact, iso: str, fiscal_year: int, today: dt.date):
    """The day of the year's dialogue, or None when the demo plans none that year."""
    if (iso, fiscal_year) in MEETINGS:
        day = MEETINGS[(iso, fiscal_year)]
    elif iso == "CO" and fiscal_year == fiscal_year_of(today):
        day = today
    elif iso in PRACTICE_COUNTRIES and fiscal_year >= FIRST_PRACTICE_YEAR:
        return None  # not planned yet
    else:
        day = _old_practice_day(compact, fiscal_year)
    first, last = fiscal_year_window(fiscal_year, days_after=DIALOGUE_DAYS_AFTER_FISCAL_YEAR)
    if not (first <= day <= last and compact.start_date <= day <= compact.current_end_date):
        return None
    return day


def _years(compact: Compact, today: dt.date) -> list[int]:
    first = fiscal_year_of(compact.start_date) + 1
    last = min(fiscal_year_of(compact.current_end_date), fiscal_year_of(today))
    return list(range(first, last + 1))


class _People:
    def __init__(self):
        User = get_user_model()
        self.staff = User.objects.get(username="tip.staff")
        self.officer = User.objects.get(username="embassy.officer")


@transaction.atomic
@loading_samples()
def seed(*, password: str) -> dict[str, int]:
    today = timezone.localdate()
    people = _People()
    created = {"dialogues": 0, "target proposals": 0}
    compacts = (Compact.objects.exclude(start_date=None).select_related("country")
                .order_by("start_date", "pk"))
    for index, compact in enumerate(compacts):
        iso = compact.country.iso_code.code
        indicators = list(compact.indicators.select_related("standard").order_by("pk"))
        keys = [i for i in indicators if i.is_key]
        years = compact.fiscal_years()
        for fiscal_year in _years(compact, today):
            if Dialogue.objects.filter(compact=compact, fiscal_year=fiscal_year).exists():
                continue
            meeting = _meeting_day(compact, iso, fiscal_year, today)
            if meeting is None:
                continue
            practice = iso in PRACTICE_COUNTRIES and fiscal_year >= FIRST_PRACTICE_YEAR
            # A dialogue still ahead waits for its key indicators to be identified, but for
            # Colombia's of the current year, prepared for the officer to hold today.
            upcoming = iso == "CO" and fiscal_year == fiscal_year_of(today)
            ready = practice and (meeting < today or upcoming)
            dialogue = _plan(compact, fiscal_year, meeting, keys if ready else [], today,
                             people, upcoming=upcoming)
            created["dialogues"] += 1
            if meeting >= today:
                continue  # still planned
            _hold(dialogue, compact, meeting, practice, people)
            if practice:
                with recorded_as_of(_at(meeting)):  # agreed and accepted at the dialogue
                    created["target proposals"] += _propose_targets(
                        dialogue, iso, indicators, years, people)
            _wrap_up(dialogue, compact, fiscal_year, meeting, practice, today, people)
            if fiscal_year >= FIRST_PRACTICE_YEAR and fiscal_year < fiscal_year_of(today):
                _record_results(compact, iso, index, indicators, years, fiscal_year, today,
                                people)
    return created


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(11)))


def _plan(compact, fiscal_year, meeting, keys, today, people, *, upcoming=False):
    """History: the key indicators were picked six weeks ahead and sent to the partner
    government by diplomatic note a week later (the upcoming dialogue: both ten days before
    the demo is loaded). The demo replays each step as recorded on its day."""
    identified = meeting - dt.timedelta(days=PREPARED_DAYS_BEFORE if upcoming
                                        else IDENTIFIED_DAYS_BEFORE)
    shared = meeting - dt.timedelta(days=PREPARED_DAYS_BEFORE if upcoming
                                    else SHARED_DAYS_BEFORE)
    with recorded_as_of(_at(identified if keys else min(meeting, today))):
        dialogue = services.dialogue_create(
            user=people.staff, compact=compact, fiscal_year=fiscal_year, scheduled_for=meeting,
            format="hybrid" if keys else "in_person", key_indicators=keys,
        )
    if keys:
        with recorded_as_of(_at(shared)):
            dialogue = services.dialogue_update(user=people.staff, dialogue=dialogue, data={
                "key_indicators_shared_on": shared,
                "key_indicators_shared_via": "diplomatic_note",
            })
    return dialogue


def _hold(dialogue, compact, meeting, practice, people):
    name = compact.country.name
    participants = [
        ("TIP Office program officer", "U.S. Department of State", "us_government"),
        ("Embassy TIP officer", f"U.S. Embassy, {name}", "us_government"),
        ("Anti-trafficking unit head", f"Government of {name}", "partner_government"),
    ]
    if practice:
        award = compact.awards.select_related("implementer").order_by("start_date").first()
        if award:
            participants.append(("Program director", award.implementer.name, "implementer"))
    for person, organization, side in participants:
        services.participant_add(user=people.staff, dialogue=dialogue,
                                 name=f"{person} (sample)", organization=organization, side=side)
    dialogue = services.dialogue_move(user=people.staff, dialogue=dialogue,
                                      status=DialogueStatus.HELD, held_on=meeting)
    if practice:
        with recorded_as_of(_at(meeting)):  # recorded on the day of the dialogue
            for indicator in dialogue.key_indicators.order_by("code"):
                services.discussion_record(
                    dialogue=dialogue, indicator=indicator, user=people.staff,
                    notes=f"The latest approved figure of {indicator.code} was reviewed "
                          f"against the year's target with the partner government. {SAMPLE}")


def _propose_targets(dialogue, iso, indicators, years, people) -> int:
    """Staff set the year's target of every indicator at the dialogue (accepted at once);
    at Colombia's FY 2026 dialogue the officer also proposes one for the next year, which
    awaits TIP staff."""
    made = 0
    for indicator in indicators:
        if not indicator.is_tracked_in(dialogue.fiscal_year):
            continue
        step = years.index(dialogue.fiscal_year)
        proposals.target_propose(
            user=people.staff, dialogue=dialogue, indicator=indicator,
            value=indicator_demo.target_value(indicator.standard, step))
        made += 1
    country, at_year, for_year = PENDING_PROPOSAL
    if (iso, dialogue.fiscal_year) == (country, at_year) and for_year in years:
        indicator = next((i for i in indicators if i.is_key and i.is_tracked_in(for_year)),
                         None)
        if indicator is not None:
            proposals.target_propose(
                user=people.officer, dialogue=dialogue, indicator=indicator,
                fiscal_year=for_year,
                value=indicator_demo.target_value(indicator.standard, years.index(for_year)))
            made += 1
    return made


def _wrap_up(dialogue, compact, fiscal_year, meeting, practice, today, people):
    name = compact.country.name
    services.action_item_add(
        user=people.staff, dialogue=dialogue, owner=f"Government of {name}",
        description=f"Share the FY {fiscal_year} referral and case data. {SAMPLE}",
        due_on=meeting + dt.timedelta(days=90),
        status="done" if fiscal_year < fiscal_year_of(today) - 1 else "open",
    )
    data = {"summary": f"Annual dialogue for FY {fiscal_year}. {SAMPLE}"}
    if practice:
        data |= {
            "summary": f"Annual dialogue for FY {fiscal_year}: key indicators, targets, "
                       f"contributions and sustainability reviewed. {SAMPLE}",
            "contributions_discussed": True,
            "contributions_notes": f"The government's budget and staff for child victims "
                                   f"this year were reviewed. {SAMPLE}",
            "sustainability_discussed": True,
            "sustainability_notes": "The plan to sustain shelters and specialized units after "
                                    f"the compact was discussed. {SAMPLE}",
        }
    with recorded_as_of(_at(meeting)):  # logged on the day of the dialogue
        dialogue = services.dialogue_update(user=people.staff, dialogue=dialogue, data=data)
    if practice:
        # The minutes, filed with the record (a plain text sample).
        minutes = (f"Minutes of the FY {fiscal_year} annual dialogue with {name}, held "
                   f"{meeting:%B %d, %Y}: key indicators, targets, contributions and "
                   f"sustainability reviewed. {SAMPLE}\n")
        services.attachment_add(
            dialogue=dialogue, kind="minutes", title=f"Minutes, FY {fiscal_year} dialogue",
            file=ContentFile(minutes.encode(), name=f"sample-minutes-fy{fiscal_year}.txt"))
    if fiscal_year < fiscal_year_of(today) - 1:
        services.dialogue_move(user=people.staff, dialogue=dialogue,
                               status=DialogueStatus.CLOSED, reason=services.REASON_LOADED_CLOSED)


def _record_results(compact, iso, index, indicators, years, fiscal_year, today, people):
    """The year's results, once it has ended: staff's approved at once; in the officer's
    countries the officer submits the first two of the last ended year for review, and one of
    Peru's is returned."""
    last_ended = max(y for y in years if y < fiscal_year_of(today))
    step = years.index(fiscal_year)
    for position, indicator in enumerate(indicators):
        if Result.objects.filter(indicator=indicator, fiscal_year=fiscal_year).exists():
            continue
        by_officer = (iso in indicator_demo.OFFICER_COUNTRIES and fiscal_year == last_ended
                      and position < 2)
        result = indicator_services.result_record(
            user=people.officer if by_officer else people.staff, indicator=indicator,
            fiscal_year=fiscal_year, source=indicator_demo.SAMPLE,
            **indicator_demo.result_fields(indicator.standard, step, index + position + step),
        )
        if by_officer and iso == indicator_demo.RETURNED_COUNTRY and position == 1:
            indicator_services.result_return(user=people.staff, result=result,
                                             review_note=indicator_demo.RETURN_NOTE)


def mark_earlier_samples() -> int:
    """The targets an earlier version of the demo loaded before it marked them as samples:
    those agreed at its dialogues, whose summary says they are samples."""
    return mark_as_samples(Target.objects.filter(
        dialogue_setting__dialogue__summary__endswith=SAMPLE, is_sample=False))
