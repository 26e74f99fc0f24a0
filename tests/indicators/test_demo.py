"""Demo indicators: every dated compact gets indicators, targets (a few missing on purpose)
and sample results in every review state; running the seed twice adds nothing."""

from django.core.management import call_command

from compacts.demo import SAMPLE
from compacts.models import Compact
from indicators.models import Indicator, Result, Target


def test_seed_demo_loads_sample_indicators_idempotently(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")

    for compact in Compact.objects.filter(start_date__isnull=False):
        assert 5 <= Indicator.objects.filter(compact=compact).count() <= 7, compact
        assert Indicator.objects.filter(compact=compact, is_key=True).exists()
    assert not Indicator.objects.filter(compact__start_date__isnull=True).exists()

    assert set(Result.objects.values_list("status", flat=True)) == {
        "approved", "submitted", "returned"}
    assert Result.objects.filter(status="returned").count() == 1
    assert set(Result.objects.values_list("source", flat=True)) == {SAMPLE}

    # A key indicator without a target for its compact's last year keeps check 3 honest.
    missing = [
        i for i in Indicator.objects.filter(is_key=True).select_related("compact")
        if not Target.objects.filter(indicator=i,
                                     fiscal_year=i.compact.fiscal_years()[-1]).exists()
    ]
    assert missing

    counts = (Indicator.objects.count(), Target.objects.count(), Result.objects.count())
    call_command("seed_demo")
    assert (Indicator.objects.count(), Target.objects.count(), Result.objects.count()) == counts
