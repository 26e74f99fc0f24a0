"""What the indicator models check on a change that no ``clean()`` sees: the awards linked
to an indicator (connected when the app is ready)."""

from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from .models import Indicator

ERR_AWARD_OF_ANOTHER_COMPACT = _("Award {number} belongs to another compact.")


@receiver(m2m_changed, sender=Indicator.awards.through)
def _awards_of_the_same_compact(sender, instance, action, reverse, pk_set, **kwargs):
    """An indicator is reported under awards of its own compact, however the link is made
    (form, API, admin or either side of the relation)."""
    if action != "pre_add" or not pk_set:
        return
    from compacts.models import Award

    if reverse:  # award.indicators.add(...): ``instance`` is the award
        wrong = Indicator.objects.filter(pk__in=pk_set).exclude(compact_id=instance.compact_id)
        if wrong.exists():
            raise ValidationError({"awards": [ERR_AWARD_OF_ANOTHER_COMPACT.format(
                number=instance.award_number)]})
        return
    wrong = Award.objects.filter(pk__in=pk_set).exclude(compact_id=instance.compact_id)
    if award := wrong.first():
        raise ValidationError({"awards": [ERR_AWARD_OF_ANOTHER_COMPACT.format(
            number=award.award_number)]})
