"""The events of the apps below that notify someone. Each receiver runs inside the event's
transaction: the notification is recorded with the event or not at all."""

from django.urls import reverse

from contributions.signals import plan_requested
from cpc.i18n import in_english
from dialogues.signals import target_proposal_decided
from indicators.signals import result_reviewed
from reports.signals import report_finished

from .models import Kind
from .services import compact_officers, notify


@in_english  # stored and emailed as written: English, whoever acted
def on_result_reviewed(sender, result, reviewer, action, **kwargs):
    indicator = result.indicator
    label = f"{indicator.code} FY{result.fiscal_year}"
    returned = action == "returned"
    body = (f"Your result for {label} ({indicator.name}) was {action} by "
            f"{reviewer.get_username()}.")
    if result.review_note:
        body += f"\n\nNote: {result.review_note}"
    if returned:
        body += "\n\nCorrect it and submit it again from the data entry page."
    notify(recipients=[result.reported_by],
           kind=Kind.RESULT_RETURNED if returned else Kind.RESULT_APPROVED,
           event_key=f"result-{action}:{result.pk}:{result.reviewed_at.isoformat()}",
           subject=f"Result {label} {action}", body=body,
           link=(reverse("indicators:data-entry", args=[indicator.compact_id]) if returned
                 else reverse("indicators:compact-indicators", args=[indicator.compact_id])))


@in_english  # stored and emailed as written: English, whoever acted
def on_target_proposal_decided(sender, proposal, decider, **kwargs):
    label = f"{proposal.indicator.code} FY{proposal.fiscal_year}"
    status = proposal.get_status_display().lower()
    body = f"Your proposed target for {label} was {status} by {decider.get_username()}."
    if proposal.decision_note:
        body += f"\n\nNote: {proposal.decision_note}"
    notify(recipients=[proposal.proposed_by], kind=Kind.PROPOSAL_DECIDED,
           event_key=f"proposal-decided:{proposal.pk}", subject=f"Target proposal {label} "
           f"{status}", body=body,
           link=reverse("dialogues:target-proposals", args=[proposal.dialogue.compact_id]))


@in_english  # stored and emailed as written: English, whoever acted
def on_plan_requested(sender, plan, **kwargs):
    compact = plan.compact
    notify(recipients=compact_officers(compact.pk), kind=Kind.PLAN_REQUESTED,
           event_key=f"plan-requested:{plan.pk}:{plan.requested_on.isoformat()}",
           subject=f"Sustainability plan requested: {compact.country.name}",
           body=(f"The TIP Office asked for the sustainability plan of the {compact.title} on "
                 f"{plan.requested_on:%B %-d, %Y}. It is due on {plan.due_on:%B %-d, %Y}."),
           link=reverse("contributions:plan", args=[compact.pk]))


@in_english  # stored and emailed as written: English, whoever acted
def on_report_finished(sender, job, **kwargs):
    succeeded = job.status == "succeeded"
    what = job.get_kind_display() + (f", {job.compact.country.name}" if job.compact_id else "")
    notify(recipients=[job.requested_by], kind=Kind.REPORT_FINISHED,
           event_key=f"report-finished:{job.pk}:{job.attempts}",
           subject=f"Report {'ready' if succeeded else 'failed'}: {what}, FY{job.fiscal_year}",
           body=("Your report is ready to download." if succeeded else
                 f"Your report could not be produced: {job.error}"),
           link=reverse("reports:report-center"))


def connect() -> None:
    result_reviewed.connect(on_result_reviewed, dispatch_uid="notify-result-reviewed")
    target_proposal_decided.connect(on_target_proposal_decided,
                                    dispatch_uid="notify-proposal-decided")
    plan_requested.connect(on_plan_requested, dispatch_uid="notify-plan-requested")
    report_finished.connect(on_report_finished, dispatch_uid="notify-report-finished")
