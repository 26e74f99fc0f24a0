"""What each role has to do, read from the records: the sections of My work.

Every section is read through the scoped selectors of the app that owns the records, so an
officer sees only their countries' work. Each list is capped (``LIMIT`` rows, the total
counted), so a section costs the same queries whatever the size of the program.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from compacts.selectors import compact_list
from contributions.selectors import contribution_list, plan_list
from cpc.access import scoping
from dialogues.models import ActionItem, ActionItemStatus, TargetProposalStatus
from dialogues.selectors import (
    preparation_gaps,
    target_proposal_list,
    upcoming_dialogues_to_prepare,
)
from indicators.models import ResultStatus
from indicators.selectors import result_list
from reports.models import ReportStatus
from reports.selectors import report_job_list

LIMIT = 20
DIALOGUE_HORIZON_DAYS = 60
PLAN_HORIZON_DAYS = 30
UPCOMING_DIALOGUES_READ = 200  # dialogues of the next 60 days read to find the unready


@dataclass
class Section:
    slug: str
    title: str
    empty: str
    rows: list = field(default_factory=list)
    total: int = 0
    # Work that waits on the reader (counted in the header's number), or what they may
    # want to know (upcoming dialogues, their compacts, recent changes): not counted.
    waiting: bool = True

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


def _capped(queryset) -> tuple[list, int]:
    """The first ``LIMIT`` rows and how many there are: two queries whatever the number, so
    a page does the same work for a short list as for a long one."""
    return list(queryset[:LIMIT]), queryset.count()


def results_to_review(user):
    return (result_list(user=user).filter(status=ResultStatus.SUBMITTED)
            .select_related("indicator__compact__country")
            .order_by("reported_at", "pk"))


def returned_results(user):
    return (result_list(user=user).filter(status=ResultStatus.RETURNED)
            .select_related("indicator__compact__country")
            .order_by("-reviewed_at", "-pk"))


def _pending_proposals(user):
    return target_proposal_list(user=user).filter(status=TargetProposalStatus.PENDING)


def _unverified_contributions(user):
    return contribution_list(user=user).filter(verified=False).order_by("fiscal_year", "pk")


def _plans_due(user, today: dt.date):
    return (plan_list(user=user)
            .due_by(today + dt.timedelta(days=PLAN_HORIZON_DAYS))
            .order_by("due_on", "compact_id"))


def _dialogues_with_gaps(user, today: dt.date, *, only_unready: bool) -> tuple[list, int]:
    dialogues = list(upcoming_dialogues_to_prepare(
        user=user, start=today, end=today + dt.timedelta(days=DIALOGUE_HORIZON_DAYS),
    )[:UPCOMING_DIALOGUES_READ])
    rows = [(dialogue, preparation_gaps(dialogue)) for dialogue in dialogues]
    if only_unready:
        rows = [(dialogue, gaps) for dialogue, gaps in rows if gaps]
    return rows[:LIMIT], len(rows)


def _open_action_items(user, today: dt.date):
    return (scoping.scope_to_visible(
        ActionItem.objects.select_related("dialogue__compact__country"), user,
        country_path="dialogue__compact__country")
        .filter(status=ActionItemStatus.OPEN)
        # An item carried over to the next year's dialogue lives on there: listed once.
        .filter(carried_over_to__isnull=True)
        .order_by("due_on", "pk"))


def _section(slug, title, empty, queryset, *, waiting: bool = True) -> Section:
    rows, total = _capped(queryset)
    return Section(slug, title, empty, rows, total, waiting)


def _plans_title() -> str:
    return _("Sustainability plans due within %(days)s days or overdue") % {
        "days": PLAN_HORIZON_DAYS}


def staff_sections(user, today: dt.date) -> list[Section]:
    dialogues, dialogue_total = _dialogues_with_gaps(user, today, only_unready=True)
    return [
        _section("proposals", _("Target proposals to decide"), _("No target proposal waits."),
                 _pending_proposals(user)),
        _section("contributions", _("Contributions awaiting verification"),
                 _("Every contribution is verified."), _unverified_contributions(user)),
        _section("plans", _plans_title(), _("No plan is due."), _plans_due(user, today)),
        Section("dialogues", _("Dialogues in the next %(days)s days that are not ready") % {
            "days": DIALOGUE_HORIZON_DAYS}, _("Every upcoming dialogue is ready."), dialogues,
            dialogue_total),
        _section("reports", _("Reports that failed"), _("No report failed."),
                 report_job_list(user=user).filter(status=ReportStatus.FAILED)
                 .order_by("-requested_at")),
    ]


def officer_sections(user, today: dt.date) -> list[Section]:
    dialogues, dialogue_total = _dialogues_with_gaps(user, today, only_unready=False)
    return [
        _section("returned", _("Results returned to you"), _("No result is returned."),
                 returned_results(user)),
        Section("dialogues", _("Your dialogues in the next %(days)s days") % {
            "days": DIALOGUE_HORIZON_DAYS}, _("No dialogue is scheduled."), dialogues,
            dialogue_total, waiting=False),
        _section("action-items", _("Open action items"), _("No action item is open."),
                 _open_action_items(user, today)),
        _section("plans", _plans_title(), _("No plan is due."), _plans_due(user, today)),
    ]


def _implementer_results(user, status):
    return (result_list(user=user)
            .filter(status=status, indicator__in=scoping.recordable_indicator_ids(user))
            .select_related("indicator__compact__country"))


def implementer_sections(user, today: dt.date) -> list[Section]:
    compacts = compact_list(user=user)  # an implementer's: where their awards are
    return [
        _section("returned", _("Results returned to you"), _("No result is returned."),
                 _implementer_results(user, ResultStatus.RETURNED)
                 .order_by("-reviewed_at", "-pk")),
        _section("awaiting", _("Your results awaiting review"), _("No result awaits review."),
                 _implementer_results(user, ResultStatus.SUBMITTED)
                 .order_by("reported_at", "pk"), waiting=False),
        _section("compacts", _("Compacts where your organisation holds awards"),
                 _("Your organisation holds no award yet."), compacts, waiting=False),
    ]


def auditor_sections(user, today: dt.date) -> list[Section]:
    from audit.history import recent_entries

    recent = recent_entries(limit=LIMIT)
    return [
        Section("recent", _("Recently changed records"), _("Nothing has changed yet."), recent,
                len(recent), waiting=False),
        _section("reports", _("Latest reports"), _("No report yet."),
                 report_job_list(user=user).order_by("-requested_at"), waiting=False),
    ]


def sections_for(user, today: dt.date) -> list[Section]:
    if scoping.is_tip_staff(user):
        return staff_sections(user, today)
    if scoping.is_embassy_officer(user):
        return officer_sections(user, today)
    if scoping.is_implementer(user):
        return implementer_sections(user, today)
    return auditor_sections(user, today)


def waiting_count(user, sections: list[Section]) -> int:
    """What waits on this person: the one number the header shows and My work states,
    the total of the sections that wait on them (and, for staff, the results to review)."""
    count = sum(section.total for section in sections if section.waiting)
    if scoping.is_tip_staff(user):
        count += results_to_review(user).count()
    return count


def work_count(user) -> int:
    """The number in the header (``waiting_count`` of the user's My work)."""
    if not (scoping.is_tip_staff(user) or scoping.is_embassy_officer(user)
            or scoping.is_implementer(user)):
        return 0  # auditors: nothing waits on them
    return waiting_count(user, sections_for(user, timezone.localdate()))
