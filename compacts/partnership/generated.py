"""The compact document and partner pledges of a generated compact (``generate_portfolio``,
oversight.portfolio): sample text for most elements, now and then one left out so the
completeness panel has something to name, a public address for some (the IATI file links
to it), and pledges for some of the compact's years. Called inside ``loading_samples``: every
record is a sample."""

from decimal import Decimal

from ..models import Compact, PledgeKind
from . import services

SAMPLE = "(Generated sample record for benchmarks and tests.)"
TEXTS = {
    "us_responsibilities": "Fund the awards and monitor the implementers.",
    "partner_responsibilities": "Assign staff to the specialized units and fund shelters.",
    "activities": "Training of police and prosecutors; child-friendly spaces; referrals.",
    "implementation_mechanism": "Cooperative agreements with the implementers.",
    "monitoring_mechanism": "The standard indicators, discussed at each annual dialogue.",
    "assessment_mechanism": "A baseline and an endline evaluation.",
    "sustainability_mechanism": "Ministry budget lines take over the services.",
}


def fill(compact: Compact, *, rng, user) -> None:
    """The generated compact's document and pledges, through the services."""
    left_out = rng.choice([*TEXTS, None, None, None])
    data = {field: f"{text} {SAMPLE}" for field, text in TEXTS.items() if field != left_out}
    if rng.random() < 0.3:
        data |= {"is_public": True,
                 "public_url": f"https://example.org/generated/{compact.pk}/compact.pdf"}
    services.compact_document_save(user=user, compact=compact, data=data)
    if rng.random() < 0.2:
        return  # no pledge recorded
    for year in compact.fiscal_years()[:3]:
        usd = Decimal(rng.randrange(50_000, 600_000, 5_000))
        services.pledge_create(user=user, compact=compact, fiscal_year=year,
                               kind=PledgeKind.FUNDING, amount_local=usd * 4, currency="EUR",
                               amount_usd=usd, source=f"Generated clause 5.{year % 10}. {SAMPLE}")
    if rng.random() < 0.5:
        services.pledge_create(user=user, compact=compact, fiscal_year=compact.fiscal_years()[0],
                               kind=PledgeKind.PERSONNEL, personnel_count=rng.randint(5, 40),
                               source=f"Generated clause 6.1. {SAMPLE}")
