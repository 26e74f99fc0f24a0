"""Invariants the database holds, not only ``clean()``: a write that skips validation (a raw
``update()``, a ``bulk_create``, a loader) cannot put a dialogue's dates out of order or give
two guidance versions the same day they take effect."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from compacts.models import GuidanceDocument
from dialogues.models import Dialogue
from tests.compacts.factories import GuidanceDocumentFactory
from tests.dialogues.factories import DialogueFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 3, 15)


def refused(write, constraint: str) -> None:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        write()
    assert constraint in str(error.value)


@pytest.mark.parametrize("fields,constraint", [
    ({"status": "held", "held_on": None}, "dialogue_held_has_date"),
    ({"status": "closed", "held_on": None}, "dialogue_held_has_date"),
    ({"status": "held", "held_on": DAY - dt.timedelta(days=1)},
     "dialogue_held_not_before_scheduled"),
    ({"key_indicators_identified_on": None, "key_indicators_shared_on": DAY},
     "dialogue_shared_not_before_identified"),
    ({"key_indicators_identified_on": DAY, "key_indicators_shared_on": DAY - dt.timedelta(1)},
     "dialogue_shared_not_before_identified"),
])
def test_a_raw_update_cannot_put_a_dialogues_dates_out_of_order(fields, constraint):
    dialogue = DialogueFactory(scheduled_for=DAY)
    refused(lambda: Dialogue.objects.filter(pk=dialogue.pk).update(**fields), constraint)
    # The same values in order are accepted.
    Dialogue.objects.filter(pk=dialogue.pk).update(
        status="held", held_on=DAY, key_indicators_identified_on=DAY - dt.timedelta(30),
        key_indicators_shared_on=DAY - dt.timedelta(20))


def test_a_bulk_create_cannot_add_a_held_dialogue_without_its_date():
    model = DialogueFactory.build(scheduled_for=DAY, status="held", held_on=None)
    model.compact.country.save()
    model.compact.save()
    refused(lambda: Dialogue.objects.bulk_create([model]), "dialogue_held_has_date")


def test_full_clean_names_the_field_for_a_held_dialogue_without_a_date():
    from django.core.exceptions import ValidationError
    dialogue = DialogueFactory(scheduled_for=DAY)
    dialogue.status = "held"
    with pytest.raises(ValidationError) as error:
        dialogue.full_clean()
    assert list(error.value.message_dict) == ["held_on"]


def test_two_guidance_versions_cannot_take_effect_the_same_day_even_in_bulk():
    first = GuidanceDocumentFactory(effective_from=DAY)
    second = GuidanceDocumentFactory(effective_from=DAY + dt.timedelta(days=1))
    refused(lambda: GuidanceDocument.objects.filter(pk=second.pk).update(effective_from=DAY),
            "guidance_one_version_per_day")
    copy = GuidanceDocumentFactory.build(effective_from=first.effective_from, version="99")
    refused(lambda: GuidanceDocument.objects.bulk_create([copy]),
            "guidance_one_version_per_day")
