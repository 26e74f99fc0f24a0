"""Staff's bulk review of results from the My work queue: one use case over many results."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cpc.access import scoping
from cpc.services import StateConflict
from indicators import services as result_services
from notifications import services as notifications

APPROVE, RETURN = "approve", "return"


@dataclass
class ReviewOutcome:
    """What a bulk review did, each result named ``<indicator code> FY<year>``: decided
    here, left as another reviewer decided it meanwhile, or refused to its own submitter
    (four eyes)."""

    decided: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    own: list[str] = field(default_factory=list)


@transaction.atomic
def results_review(*, user, results: Iterable, decision: str, note: str) -> ReviewOutcome:
    """Approve or return the chosen ``results`` (``decision``: ``approve`` or ``return``) in
    one transaction, each in a savepoint of its own. A result another reviewer decided
    meanwhile, or one this reviewer may not approve (four eyes), is named in the outcome and
    left as it is; any other refusal (a ``ValidationError``) writes nothing at all. Each
    submitter gets one notification (one e-mail) listing the results decided here, written
    with them and mailed after the commit."""
    if not scoping.is_tip_staff(user):
        raise PermissionDenied(result_services.ERR_ONLY_STAFF_REVIEW)
    decide = (result_services.result_approve if decision == APPROVE
              else result_services.result_return)
    outcome = ReviewOutcome()
    with notifications.batch():
        for result in results:
            label = f"{result.indicator.code} FY{result.fiscal_year}"
            try:
                with transaction.atomic():
                    decide(user=user, result=result, review_note=note)
            except StateConflict as conflict:
                if conflict.message == str(result_services.ERR_APPROVE_OWN):
                    outcome.own.append(label)
                else:
                    outcome.skipped.append(label)
            else:
                outcome.decided.append(label)
    return outcome
