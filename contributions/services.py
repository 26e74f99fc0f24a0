"""Every write to contributions, sustainability plans, measures and follow-ups.

Each service validates the full object with ``full_clean()`` inside one transaction, so a
rejected request writes nothing. Impossible status moves raise :class:`StateConflict` (409).
"""

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compacts.models import Compact
from compacts.year_locks import ensure_year_open
from cpc.access.scoping import is_tip_staff, officers_of
from cpc.models import recorded_now
from cpc.services import (
    StateConflict,
    lock,
    required_reason,
    validated_save,
    validated_update,
)
from cpc.versions import check_version
from dialogues.models import Dialogue, DialogueStatus

from . import importing, signals
from .models import (
    Contribution,
    FollowUp,
    Measure,
    PlanStatus,
    ReminderKind,
    ReminderLog,
    ReminderStatus,
    SustainabilityPlan,
)

logger = logging.getLogger(__name__)

ERR_VERIFY_STAFF_ONLY = _("Only TIP Office staff verify contributions.")
ERR_PLAN_STAFF_ONLY = _(
    "Only TIP Office staff manage sustainability plans and their measures.")
ERR_VERIFY_OWN = _(
    "Four eyes: you entered or last changed this contribution's figures or evidence, so "
    "another TIP Office staff member must verify it."
)
ERR_MOVE = {
    "requested": _("A plan that is {current} cannot be requested."),
    "received": _("A plan that is {current} cannot be received."),
    "accepted": _("A plan that is {current} cannot be accepted."),
}
ERR_RECEIVED_IN_FUTURE = _("A plan cannot have been received on a day still to come.")

# Changing any of these after verification means the figures must be verified again.
VERIFIED_FIELDS = ("compact", "fiscal_year", "kind", "amount_local", "currency", "amount_usd",
                   "personnel_count", "evidence")


@transaction.atomic
def contribution_create(*, user=None, compact: Compact, **fields: Any) -> Contribution:
    fields.pop("verified", None)  # verification is its own step, by staff
    # Two identical requests at once: the second waits, then sees the first as a duplicate.
    lock(compact)
    ensure_year_open(compact, fields.get("fiscal_year"))
    contribution = Contribution(compact=compact, recorded_by=user, value_changed_by=user)
    if fields.get("evidence"):
        contribution.evidence_recorded_at = timezone.now()
    return validated_save(contribution, fields)


VERIFICATION_FIELDS = {"verified", "verified_by", "verified_at", "verified_amount_usd",
                       "verified_amount_local", "verified_currency", "verified_personnel_count"}


@transaction.atomic
def contribution_update(
    *, contribution: Contribution, data: Mapping[str, Any], user=None, reason: str = ""
) -> Contribution:
    """Change the fields in ``data``, and only those, on the contribution as it is now.

    Any change to a verified contribution needs ``reason`` (400 ``{"reason": [...]}``
    without one), kept in the history. A change to what a verification covers withdraws it
    and makes ``user`` its last changer, who may then not verify it (four eyes); the
    verification is staff's own step (``contribution_verify``)."""
    data = {k: v for k, v in data.items()
            if k not in VERIFICATION_FIELDS | {"value_changed_by", "evidence_recorded_at"}}
    current = lock(contribution)
    # A record moving years changes both: the one it leaves and the one it joins.
    ensure_year_open(current.compact_id, current.fiscal_year)
    ensure_year_open(data.get("compact", current.compact),
                     data.get("fiscal_year", current.fiscal_year))
    changed = [field for field in VERIFIED_FIELDS
               if field in data and data[field] != getattr(current, field)]
    given_reason = ""
    if current.verified and any(data[field] != getattr(current, field) for field in data):
        given_reason = required_reason(reason, what=str(_("verified contribution")))
    if current.verified and changed:
        current.withdraw_verification(changed=changed)
    if changed:
        current.value_changed_by = user
    if "evidence" in changed:
        current.evidence_recorded_at = timezone.now() if data["evidence"] else None
    if given_reason:
        withdrawn = getattr(current, "_change_reason", "")
        return validated_update(current, data, change_reason=" ".join(
            filter(None, (given_reason, withdrawn))))
    return validated_update(current, data)


@transaction.atomic
def contribution_verify(*, contribution: Contribution, user,
                        version: str | None = None) -> Contribution:
    """Staff confirm a contribution's figures against its evidence. The verification
    records the figures it covers, as they are when the row is locked; given the
    ``version`` the page showed, figures changed since are refused (``RecordChanged``), for
    staff verify what they saw. Four eyes: whoever recorded the contribution or last changed
    its figures or evidence cannot verify it (409)."""
    if not is_tip_staff(user):
        raise PermissionDenied(ERR_VERIFY_STAFF_ONLY)
    current = check_version(contribution, version)
    ensure_year_open(current.compact_id, current.fiscal_year)
    if user.pk in {current.recorded_by_id, current.value_changed_by_id}:
        raise StateConflict(str(ERR_VERIFY_OWN))
    current.verified, current.verified_by, current.verified_at = True, user, timezone.now()
    current.record_verified_figures()
    return validated_update(current)


def _replace_measures(plan: SustainabilityPlan, measures: Iterable[Mapping[str, Any]]) -> None:
    # Measures are rewritten as a set; their history tables keep the previous versions.
    plan.measures.all().delete()
    for position, item in enumerate(measures):
        measure = Measure(plan=plan, position=position, **dict(item))
        measure.full_clean()
        measure.save()


def _require_plan_staff(user) -> None:
    """Sustainability plans and their measures are TIP Office staff's work (auditors and
    officers read them; officers record follow-ups)."""
    if not is_tip_staff(user):
        raise PermissionDenied(ERR_PLAN_STAFF_ONLY)


@transaction.atomic
def plan_create(
    *, user, compact: Compact, measures: Iterable[Mapping[str, Any]] = (), **fields: Any
) -> SustainabilityPlan:
    _require_plan_staff(user)
    # The status moves only through plan_request / plan_receive / plan_accept.
    fields.pop("status", None)
    plan = validated_save(SustainabilityPlan(compact=compact), fields)
    _replace_measures(plan, measures)
    return plan


@transaction.atomic
def plan_update(
    *,
    user,
    plan: SustainabilityPlan,
    data: Mapping[str, Any],
    measures: Iterable[Mapping[str, Any]] | None = None,
    version: str | None = None,
) -> SustainabilityPlan:
    """Save the plan's notes (and, given ``measures``, its measures as a set). Given the
    ``version`` the page showed, a plan changed since is refused (``RecordChanged``)."""
    _require_plan_staff(user)
    plan = check_version(plan, version)
    data = {k: v for k, v in data.items() if k not in {"status", "compact"}}
    plan = validated_update(plan, data)
    if measures is not None:
        _replace_measures(plan, measures)
    return plan


def _move(plan, *, user, allowed_from: PlanStatus, action: str) -> SustainabilityPlan:
    _require_plan_staff(user)
    # Two staff moving the same plan at once: the second sees the first one's status.
    plan = lock(plan)
    if plan.status != allowed_from:
        raise StateConflict(ERR_MOVE[action].format(
            current=plan.get_status_display().lower()))
    return plan


@transaction.atomic
def plan_request(*, user, plan: SustainabilityPlan, due_on: dt.date) -> SustainabilityPlan:
    """not_requested → requested: the TIP Office asks the partner government for its plan.
    The request is dated by the server (day and time), never by the caller: check 6 counts
    a plan requested no later than the dialogue, which a typed date could fake."""
    plan = _move(plan, user=user, allowed_from=PlanStatus.NOT_REQUESTED, action="requested")
    now = recorded_now()
    plan = validated_update(plan, {"status": PlanStatus.REQUESTED,
                                   "requested_on": timezone.localdate(now),
                                   "requested_at": now, "due_on": due_on})
    signals.plan_requested.send(sender=SustainabilityPlan, plan=plan)
    return plan


@transaction.atomic
def plan_receive(
    *, user, plan: SustainabilityPlan, received_on: dt.date | None = None, document=None
) -> SustainabilityPlan:
    """requested → received: the partner government handed in its plan, on a day typed (not
    one still to come; the plan records when the receipt was entered, ``recorded_at``)."""
    plan = _move(plan, user=user, allowed_from=PlanStatus.REQUESTED, action="received")
    today = timezone.localdate(recorded_now())
    if received_on is not None and received_on > today:
        raise ValidationError({"received_on": [str(ERR_RECEIVED_IN_FUTURE)]})
    data = {"status": PlanStatus.RECEIVED, "received_on": received_on or today}
    if document is not None:
        data["document"] = document
    return validated_update(plan, data)


@transaction.atomic
def plan_accept(*, user, plan: SustainabilityPlan) -> SustainabilityPlan:
    """received → accepted: the TIP Office accepted the plan."""
    plan = _move(plan, user=user, allowed_from=PlanStatus.RECEIVED, action="accepted")
    return validated_update(plan, {"status": PlanStatus.ACCEPTED})


@transaction.atomic
def follow_up_create(
    *, plan: SustainabilityPlan, user=None, date: dt.date, note: str, next_step: str = ""
) -> FollowUp:
    return validated_save(FollowUp(plan=plan, recorded_by=user),
                  {"date": date, "note": note, "next_step": next_step})


# --- Reminders ---------------------------------------------------------------------------

REMINDER_WINDOW_DAYS = 30
REMINDER_ERROR_MAX_CHARS = 2000
SUBJECT_PLAN_OVERDUE = "Sustainability plan overdue: {compact}"
SUBJECT_DIALOGUE = "Key indicators missing for the {compact} FY{fy} dialogue on {date}"
BODY_PLAN_OVERDUE = (
    "The sustainability plan of the {compact} was requested on {requested_on} and was due on "
    "{due_on}; it has not been received.\n\nPlease follow up with the partner government and "
    "record the follow-up in CPC Oversight.\n"
)
BODY_DIALOGUE = (
    "The FY{fy} annual dialogue of the {compact} is scheduled for {date} and no key indicators "
    "have been identified for it yet.\n\nGAO recommended identifying key indicators before "
    "each annual dialogue; please select them in CPC Oversight.\n"
)


def reminder_recipients(*, compact: Compact) -> list[str]:
    """The embassy officers assigned to the compact's country, and TIP Office staff."""
    return sorted(set(officers_of(compact.country_id, with_tip_staff=True)
                      .exclude(email="").values_list("email", flat=True)))


def _reminders_due(on: dt.date):
    """(kind, object, compact, due date, subject, body) for every reminder due on ``on``."""
    for plan in SustainabilityPlan.objects.overdue(on=on).select_related("compact__country"):
        names = {"compact": plan.compact, "requested_on": plan.requested_on,
                 "due_on": plan.due_on}
        yield (ReminderKind.PLAN_OVERDUE, plan, plan.compact, plan.due_on,
               SUBJECT_PLAN_OVERDUE.format(**names), BODY_PLAN_OVERDUE.format(**names))
    has_key_indicators = Dialogue.key_indicators.through.objects.filter(
        dialogue=OuterRef("pk")
    )
    dialogues = (
        Dialogue.objects.filter(
            status=DialogueStatus.PLANNED,
            scheduled_for__gte=on,
            scheduled_for__lte=on + dt.timedelta(days=REMINDER_WINDOW_DAYS),
        )
        .exclude(Exists(has_key_indicators))
        .select_related("compact__country")
    )
    for dialogue in dialogues:
        names = {"compact": dialogue.compact, "fy": dialogue.fiscal_year,
                 "date": dialogue.scheduled_for}
        yield (ReminderKind.DIALOGUE_KEY_INDICATORS, dialogue, dialogue.compact,
               dialogue.scheduled_for, SUBJECT_DIALOGUE.format(**names),
               BODY_DIALOGUE.format(**names))


def reminders_send(*, on: dt.date | None = None) -> list[ReminderLog]:
    """E-mail each reminder due on ``on`` (today by default) that was not sent yet.

    Returns the log of every reminder tried: ``sent``, or ``failed`` with the mail server's
    answer (the next run tries it again). A reminder that was sent is never sent again.
    """
    on = on or timezone.localdate()
    tried = []
    for kind, obj, compact, due_on, subject, body in _reminders_due(on):
        key = {"kind": kind, "object_id": obj.pk, "due_on": due_on}
        if ReminderLog.objects.filter(**key, status=ReminderStatus.SENT).exists():
            continue
        recipients = reminder_recipients(compact=compact)
        if not recipients:
            continue
        log = _reminder_send(key=key, compact=compact, recipients=recipients, subject=subject,
                             body=body)
        if log is not None:
            tried.append(log)
    return tried


def _mail_error_text(error: OSError) -> str:
    """The mail server's answer as it said it: ``554 5.7.1 Relay access denied``."""

    def answer(code, message) -> str:
        text = message.decode(errors="replace") if isinstance(message, bytes) else message
        return f"{code} {text}"

    if isinstance(error, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(f"{address}: {answer(*reply)}"
                           for address, reply in error.recipients.items())
    elif isinstance(error, smtplib.SMTPResponseException):
        detail = answer(error.smtp_code, error.smtp_error)
    else:
        detail = str(error)
    return f"{type(error).__name__}: {detail}"


def _reminder_send(*, key: dict, compact: Compact, recipients: list[str], subject: str,
                   body: str) -> ReminderLog | None:
    """Send one reminder and log the outcome; None if another run has sent it or is sending it.

    The log row is written (or locked) before the e-mail goes out and committed with the
    outcome, so a concurrent run waits for it and then finds it sent: never two e-mails.
    """
    with transaction.atomic():
        log = ReminderLog.objects.select_for_update().filter(**key).first()
        if log is None:
            log = ReminderLog(compact=compact, status=ReminderStatus.FAILED, attempts=0, **key)
            log.skip_history_when_saving = True  # a claim: the outcome below is the history
            try:
                with transaction.atomic():
                    log.save()
            except IntegrityError:
                return None  # another run claimed it first and sends it
            del log.skip_history_when_saving
        elif log.status == ReminderStatus.SENT:
            return None
        log.recipients = "\n".join(recipients)
        log.attempts += 1
        log.last_attempt_at = timezone.now()
        try:
            send_mail(subject, body, None, recipients)
        except OSError as error:  # smtplib.SMTPException, a refused or timed-out connection
            log.status, log.sent_at = ReminderStatus.FAILED, None
            log.last_error = _mail_error_text(error)[:REMINDER_ERROR_MAX_CHARS]
            logger.warning("Reminder %s not sent (attempt %s): %s", log, log.attempts,
                           log.last_error)
        else:
            log.status, log.sent_at, log.last_error = (ReminderStatus.SENT,
                                                       log.last_attempt_at, "")
        log.full_clean()
        log.save()
    return log


# --- Import ------------------------------------------------------------------------------

@transaction.atomic
def contributions_import(*, user, compact: Compact, uploaded_file,
                         filename: str) -> list[Contribution]:
    """Save every row of a CSV or XLSX file of contributions, or none.

    The whole file is validated first; any error raises ``ContributionImportError`` listing
    each row and column to correct, and nothing is saved.
    """
    if not is_tip_staff(user):
        raise PermissionDenied(_("Only TIP Office staff import contributions."))
    rows = importing.read_rows(uploaded_file, filename)
    contributions = importing.validate_rows(rows, compact=compact, user=user)
    for contribution in contributions:
        contribution.save()
    return contributions
