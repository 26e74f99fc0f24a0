"""The dialogue at which a target's current value was agreed (``TargetSetting``): written
when TIP staff accept a proposal, and through ``set_at_dialogue`` of ``/api/v1/targets/``."""

from django.db import transaction

from cpc.services import validated_save
from indicators.models import Target

from ..models import Dialogue, TargetSetting
from .common import ensure_may_record


@transaction.atomic
def target_setting_record(*, user, target: Target,
                          dialogue: Dialogue | None) -> TargetSetting | None:
    """Record that ``target``'s value was agreed at ``dialogue`` (of the target's compact);
    None: agreed elsewhere, and an earlier link goes (its history keeps it). The user must
    record in the target's country."""
    ensure_may_record(user, target.indicator.compact.country_id)
    current = TargetSetting.objects.select_for_update().filter(target=target).first()
    if dialogue is None:
        if current is not None:
            current.delete()
        return None
    if current is not None and current.dialogue_id == dialogue.pk:
        return current
    return validated_save(current or TargetSetting(target=target), {"dialogue": dialogue})
