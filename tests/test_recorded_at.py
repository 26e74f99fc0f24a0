"""``recorded_at`` follows a record's substance: set when it is created or its recorded
fields change, whatever writes it; never by a client; a deferred field does not count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cpc.models import recorded_as_of
from indicators.models import Target
from tests.indicators.factories import TargetFactory

pytestmark = pytest.mark.django_db

THEN = timezone.make_aware(dt.datetime(2024, 3, 1, 12))


def test_a_change_of_value_stamps_now_and_other_saves_do_not(ghana_compact):
    target = TargetFactory(fiscal_year=2024, recorded_at=THEN)
    target = Target.objects.get(pk=target.pk)
    target.save()  # nothing recorded changed
    assert Target.objects.get(pk=target.pk).recorded_at == THEN
    target.value = Decimal("5")
    target.save(update_fields=["value"])  # the stamp joins the update
    assert Target.objects.get(pk=target.pk).recorded_at > THEN


def test_a_deferred_field_is_not_a_change(ghana_compact):
    target = TargetFactory(fiscal_year=2024, recorded_at=THEN)
    partial = Target.objects.only("pk", "value", "indicator").get(pk=target.pk)
    assert partial.fiscal_year == 2024  # loaded now, after the snapshot
    partial.save()
    assert Target.objects.get(pk=target.pk).recorded_at == THEN


def test_a_loader_replays_a_past_moment(ghana_compact):
    with recorded_as_of(THEN):
        target = TargetFactory(fiscal_year=2024, recorded_at=None)
    assert target.recorded_at == THEN
