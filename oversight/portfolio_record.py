"""The generated portfolio's compact record (``generate_portfolio``): the country's TIP
Report tiers, a few selection factors and a baseline study of each generated compact, all
invented (the factors and the study are marked as samples; the country is generated)."""

import datetime as dt

from compacts import services as compact_services
from compacts.models import Tier, TierRanking
from compacts.partnership import generated as compact_documents
from compacts.selection import selection_factor_save
from indicators.evaluation_services import evaluation_create

SAMPLE = "(Generated sample record for benchmarks and tests.)"
FACTORS = ("tip_report", "income_level", "commitment")
TIERS = (Tier.TIER_1, Tier.TIER_2, Tier.TIER_2, Tier.TIER_2_WATCH_LIST)


def generate_record(built) -> None:
    """``built``: the generator's compact (its rng, staff user, compact, key indicators and
    today)."""
    rng, staff, compact = built.rng, built.staff, built.compact
    start = compact.start_date
    for report_year in (start.year - 1, start.year):
        if not TierRanking.objects.filter(country=compact.country,
                                          report_year=report_year).exists():
            compact_services.tier_ranking_create(user=staff, country=compact.country,
                                                 report_year=report_year,
                                                 tier=rng.choice(TIERS))
    as_of = start - dt.timedelta(days=180)
    for factor in FACTORS:
        selection_factor_save(user=staff, compact=compact, factor=factor,
                              value=f"Generated value of {factor}. {SAMPLE}",
                              source="Generated source", as_of=as_of)
    fieldwork_start = start + dt.timedelta(days=120)
    fieldwork_end = min(fieldwork_start + dt.timedelta(days=90), built.today)
    published = fieldwork_end + dt.timedelta(days=120)
    evaluation_create(
        user=staff, compact=compact, indicators=built.keys[:2], kind="baseline",
        title=f"Baseline study of {compact.title}", fieldwork_start=fieldwork_start,
        fieldwork_end=fieldwork_end,
        published_on=published if published <= built.today else None,
        key_findings=f"Generated findings. {SAMPLE}")
    compact_documents.fill(compact, rng=rng, user=staff)
