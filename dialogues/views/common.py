"""What the dialogue pages share: the dialogue a person may change, and a service's errors
shown beside the form's fields."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cpc.access import scoping

from .. import selectors, services
from ..models import Dialogue


def writable_dialogue(request, pk) -> Dialogue:
    """The dialogue ``pk`` as its pages show it, to a person who may record in its country
    (404 outside what they see, 403 when they only read it)."""
    dialogue = get_object_or_404(selectors.dialogue_detail(user=request.user), pk=pk)
    if not scoping.can_record_in(request.user, dialogue.compact.country_id):
        raise PermissionDenied(services.ERR_MAY_NOT_CHANGE)
    return dialogue
