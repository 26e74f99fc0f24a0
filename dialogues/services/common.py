"""What every write to a dialogue asks first: may this person record in the dialogue's
country, and is the record still open?"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from cpc.access import scoping
from cpc.services import StateConflict

from ..models import Dialogue, DialogueStatus

ERR_CLOSED = _("This dialogue is closed; its record can no longer change.")
ERR_MAY_NOT_CHANGE = _("Your role does not allow changing dialogues.")


def ensure_may_record(user, country_id: int) -> None:
    """TIP staff record dialogues of every country and embassy officers those of their own
    countries; auditors and implementers record none (``scoping.can_record_in``)."""
    if not scoping.can_record_in(user, country_id):
        raise PermissionDenied(ERR_MAY_NOT_CHANGE)


def ensure_may_change(user, dialogue: Dialogue) -> None:
    """``ensure_may_record`` for the country of ``dialogue``'s compact."""
    ensure_may_record(user, dialogue.compact.country_id)


def refuse_if_closed(dialogue: Dialogue) -> None:
    if dialogue.status == DialogueStatus.CLOSED:
        raise StateConflict(ERR_CLOSED)
