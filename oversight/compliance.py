"""The six GAO recommendations as live checks, per compact and fiscal year.

``compact_compliance`` reads everything it needs in a fixed number of queries, whatever the
number of indicators. Meaning of each check: the product brief; summary in docs/compliance.md.
Each check is a module of ``oversight/checks/``; this module is their public face.
"""

import datetime as dt
from dataclasses import asdict, replace

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compacts.models import Compact
from cpc.fiscal import fiscal_year_bounds
from cpc.i18n import in_english
from cpc.wording import Spaced, Wording
from dialogues.models import DIALOGUE_DAYS_AFTER_FISCAL_YEAR, Dialogue

from .checks.common import (
    DISCUSSION_RECORDED_WITHIN_DAYS,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    PENDING,
    STATUSES,
    TITLES,
    Check,
    pending_until,
    verdict,
    window_closes,
)
from .checks.contributions import (
    NO_CONTRIBUTIONS,
    ContributionFacts,
    check_contributions,
    contribution_facts,
)
from .checks.discussion import check_indicators_discussed
from .checks.guidance import check_guidance
from .checks.key_indicators import check_key_indicators_identified
from .checks.sustainability import check_sustainability, plans_with_measure_counts
from .checks.targets import check_targets, proposals_awaiting_staff, tracked_indicators

__all__ = [
    "CRITERIA", "DEADLINES", "DIALOGUE_RECORD_CHECKS", "DISCUSSION_RECORDED_WITHIN_DAYS",
    "MET", "NOT_APPLICABLE", "NOT_MET", "NO_CONTRIBUTIONS", "PENDING", "STATUSES", "TITLES",
    "Check", "ContributionFacts", "checks_once_closed", "compact_compliance",
    "compliance_as_dict", "compliance_for_compacts", "contribution_facts", "once_closed",
    "window_closes",
]

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
# met is pending (``pending_until``).
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
    performance_indicators = tracked_indicators(ids, fiscal_year)
    pending_targets = proposals_awaiting_staff(ids, fiscal_year)
    dialogues = {
        d.compact_id: d
        for d in Dialogue.objects.filter(compact__in=ids, fiscal_year=fiscal_year)
        .prefetch_related("key_indicators", "discussions")
    }
    guidance = check_guidance(fiscal_year)
    contributions = contribution_facts(ids, fiscal_year)
    plans = plans_with_measure_counts(ids)
    results = {}
    for compact in compacts:
        if not compact.is_active_in(fiscal_year):
            detail = Wording(_("The compact was not active in fiscal year {year}."),
                             year=fiscal_year)
            results[compact.pk] = [verdict(n, NOT_APPLICABLE, detail) for n in TITLES]
            continue
        dialogue = dialogues.get(compact.pk)
        year_ends, window = fiscal_year_bounds(fiscal_year)[1], window_closes(fiscal_year)
        results[compact.pk] = [
            check_key_indicators_identified(dialogue, fiscal_year, today),
            check_indicators_discussed(dialogue, fiscal_year, today),
            pending_until(check_targets(performance_indicators[compact.pk], fiscal_year,
                                          pending_targets.get(compact.pk, [])),
                           year_ends, today),
            pending_until(guidance, year_ends, today),
            pending_until(check_contributions(
                contributions.get(compact.pk, NO_CONTRIBUTIONS), fiscal_year), window, today),
            check_sustainability(plans.get(compact.pk), dialogue, fiscal_year, today),
        ]
    return results


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
