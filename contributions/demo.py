"""Demo data: sample partner contributions and sustainability plans for the demo compacts.

Every figure is invented and labelled as a sample. Idempotent: records are looked up by
their natural key (compact and description; one plan per compact) and only missing ones are
created. Runs after compacts.demo (see the seed_demo command).
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from compacts.models import Compact

from . import services
from .models import Contribution, SustainabilityPlan

D = dt.date
SAMPLE = "(Sample figure for demonstration; not an official number.)"

CONTRIBUTIONS = [
    # country, fiscal year, kind, description, local amount, currency, USD, personnel
    ("PE", 2018, "personnel", "Specialized prosecutors for child trafficking cases", "0", "PEN", "0", 12),
    ("PE", 2019, "funding", "Ministry of Women budget line for specialized shelters", "1650000", "PEN", "495000", None),
    ("PE", 2020, "in_kind", "Shelter buildings provided by regional governments", "800000", "PEN", "232000", None),
    ("CO", 2023, "funding", "ICBF budget for child victim assistance", "1200000000", "COP", "275000", None),
    ("CO", 2024, "personnel", "Investigators assigned to the anti-trafficking unit", "0", "COP", "0", 20),
    ("GH", 2017, "in_kind", "Office space for the Anti-Human Trafficking Unit", "250000", "GHS", "57000", None),
]

# country, status, requested, due, received, measures
PLANS = [
    ("CO", "requested", D(2024, 1, 15), D(2024, 6, 30), None, [
        ("Keep the ICBF budget line for child victims after the compact", "budget_line",
         "Instituto Colombiano de Bienestar Familiar"),
    ]),
    ("PE", "accepted", D(2021, 6, 1), D(2021, 12, 1), D(2021, 11, 15), [
        ("Institutionalize the specialized prosecutors' offices", "institutionalization",
         "Public Ministry"),
        ("Train new shelter staff every year", "training", "Ministry of Women"),
    ]),
]
OTHER_PLANS = ["GH", "PH", "JM", "MN", "CI"]


def _compact(iso: str) -> Compact | None:
    return Compact.objects.filter(country__iso_code=iso).order_by("pk").first()


@transaction.atomic
def seed(*, password: str) -> dict[str, int]:
    created = {"contributions": 0, "sustainability plans": 0}
    for iso, fy, kind, text, local, currency, usd, personnel in CONTRIBUTIONS:
        compact = _compact(iso)
        description = f"{text} {SAMPLE}"
        if compact is None or Contribution.objects.filter(
            compact=compact, description=description
        ).exists():
            continue
        services.contribution_create(
            compact=compact, fiscal_year=fy, kind=kind, description=description,
            amount_local=Decimal(local), currency=currency, amount_usd=Decimal(usd),
            personnel_count=personnel,
        )
        created["contributions"] += 1

    for iso, status, requested, due, received, measures in PLANS:
        compact = _compact(iso)
        if compact is None or SustainabilityPlan.objects.filter(compact=compact).exists():
            continue
        plan = services.plan_create(
            compact=compact, notes=f"Sample plan record. {SAMPLE}",
            measures=[{"description": f"{d} {SAMPLE}", "category": c,
                       "responsible_institution": r} for d, c, r in measures],
        )
        plan = services.plan_request(plan=plan, requested_on=requested, due_on=due)
        if status in ("received", "accepted"):
            plan = services.plan_receive(plan=plan, received_on=received)
        if status == "accepted":
            services.plan_accept(plan=plan)
        services.follow_up_create(plan=plan, date=requested + dt.timedelta(days=60),
                                  note=f"Asked the partner government about progress. {SAMPLE}")
        created["sustainability plans"] += 1

    for iso in OTHER_PLANS:
        compact = _compact(iso)
        if compact is None or SustainabilityPlan.objects.filter(compact=compact).exists():
            continue
        services.plan_create(compact=compact)
        created["sustainability plans"] += 1
    return created
