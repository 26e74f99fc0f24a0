"""The events of the apps below that notify someone. Each receiver runs inside the event's
transaction: the notification is recorded with the event or not at all. They keep what to
say as params (``messages.py`` writes it in each reader's language), and never tell the
person who acted."""

from django.urls import reverse

from contributions.signals import plan_requested
from dialogues.signals import target_proposal_decided
from indicators.signals import result_reviewed
from reports.signals import report_finished

from .models import Kind
from .services import compact_officers, current_batch, notify


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def on_result_reviewed(sender, result, reviewer, action, **kwargs):
    """A result approved or returned tells whoever submitted it. Inside a batch (a bulk
    review) the results of one reviewer and action are one notification per submitter."""
    indicator = result.indicator
    returned = action == "returned"
    link = (reverse("indicators:data-entry", args=[indicator.compact_id]) if returned
            else reverse("indicators:compact-indicators", args=[indicator.compact_id]))
    batch = current_batch()
    item = {"key": f"{result.pk}:{result.reviewed_at.isoformat()}", "code": indicator.code,
            "fiscal_year": result.fiscal_year, "name": indicator.name,
            "note": result.review_note, "link": link}
    notify(recipients=[result.reported_by],
           kind=Kind.RESULT_RETURNED if returned else Kind.RESULT_APPROVED,
           event_key=(f"results-{action}:{reviewer.pk}:{batch}" if batch
                      else f"result-{action}:{item['key']}"),
           params={"reviewer": _name(reviewer), "results": [item]},
           link=link if not batch else reverse("workspace:my-work"),
           actor=reviewer, extend="results" if batch else None)


def on_target_proposal_decided(sender, proposal, decider, **kwargs):
    notify(recipients=[proposal.proposed_by], kind=Kind.PROPOSAL_DECIDED,
           event_key=f"proposal-decided:{proposal.pk}",
           params={"code": proposal.indicator.code, "fiscal_year": proposal.fiscal_year,
                   "status": proposal.status, "decider": _name(decider),
                   "note": proposal.decision_note},
           link=reverse("dialogues:target-proposals", args=[proposal.dialogue.compact_id]),
           actor=decider)


def on_plan_requested(sender, plan, **kwargs):
    compact = plan.compact
    notify(recipients=compact_officers(compact.pk), kind=Kind.PLAN_REQUESTED,
           event_key=f"plan-requested:{plan.pk}:{plan.requested_on.isoformat()}",
           params={"country": compact.country.name, "title": compact.title,
                   "requested_on": plan.requested_on.isoformat(),
                   "due_on": plan.due_on.isoformat()},
           link=reverse("contributions:plan", args=[compact.pk]))


def on_report_finished(sender, job, **kwargs):
    # Not the requester's own action: the worker finished it, later, and they asked for it.
    notify(recipients=[job.requested_by], kind=Kind.REPORT_FINISHED,
           event_key=f"report-finished:{job.pk}:{job.attempts}",
           params={"report_kind": job.kind,
                   "country": job.compact.country.name if job.compact_id else "",
                   "fiscal_year": job.fiscal_year, "succeeded": job.status == "succeeded",
                   "error": job.error or ""},
           link=reverse("reports:report-center"))


def connect() -> None:
    result_reviewed.connect(on_result_reviewed, dispatch_uid="notify-result-reviewed")
    target_proposal_decided.connect(on_target_proposal_decided,
                                    dispatch_uid="notify-proposal-decided")
    plan_requested.connect(on_plan_requested, dispatch_uid="notify-plan-requested")
    report_finished.connect(on_report_finished, dispatch_uid="notify-report-finished")
