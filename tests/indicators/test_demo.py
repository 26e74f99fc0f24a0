"""Demo indicators: every dated compact gets indicators and sample results in every review
state, targets only from the FY 2025 dialogues on; running the seed twice adds nothing."""

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

    # Targets start with the FY 2025 dialogues (GAO found none before): none for earlier
    # years, and every one of them agreed at a dialogue.
    assert Target.objects.exists()
    assert not Target.objects.filter(fiscal_year__lt=2025).exists()
    assert not Target.objects.filter(dialogue_setting__isnull=True).exists()

    counts = (Indicator.objects.count(), Target.objects.count(), Result.objects.count())
    call_command("seed_demo")
    assert (Indicator.objects.count(), Target.objects.count(), Result.objects.count()) == counts
