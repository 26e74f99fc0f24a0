"""Demo data: sample partner contributions and sustainability plans for the demo compacts.

The story keeps to GAO's record (../shared/DOMAIN_FACTS.md): before the dialogues of September
2024 to January 2025 partner contributions were not tracked and no partner government had
provided a sustainability plan, nor had the TIP Office followed up. So contributions start in
fiscal year 2025, each with its evidence (a sample document) and, but for the latest,
verified by a second TIP staff member (``tip.supervisor``: whoever entered a contribution
does not verify it); plans were requested from Peru, Colombia and Côte d'Ivoire before
those dialogues, none has been received, and the earlier compacts' plans were never requested.
Every figure is invented and marked as a sample (``is_sample``, cpc/samples.py). Idempotent:
records are looked up by their natural key (compact and description; one plan per compact)
and only missing ones are created. Runs after compacts.demo and dialogues.demo (see the seed_demo command).
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from compacts.models import Compact
from cpc.models import recorded_as_of
from cpc.samples import loading_samples, mark_as_samples
from dialogues.models import Dialogue

from . import services
from .models import Contribution, SustainabilityPlan

D = dt.date
SAMPLE = "(Sample figure for demonstration; not an official number.)"

CONTRIBUTIONS = [
    # country, fiscal year, kind, description, local amount, currency, USD, personnel, verified
    ("PE", 2025, "funding", "Ministry of Women budget line for specialized shelters", "1650000", "PEN", "440000", None, True),
    ("CO", 2025, "funding", "ICBF budget for child victim assistance", "1200000000", "COP", "275000", None, True),
    # Personnel contributions carry their estimated cost (salaries for the year): check 5
    # judges a contribution by its U.S. dollar value (CHECK5_MIN_USD), a head count alone has
    # none.
    ("CI", 2025, "personnel", "Social workers assigned to the care of child victims (estimated salaries for the year)", "54000000", "XOF", "90000", 15, True),
    ("CO", 2026, "personnel", "Investigators assigned to the anti-trafficking unit (estimated salaries for the year)", "960000000", "COP", "240000", 20, True),
    ("CI", 2026, "in_kind", "Premises for a child-friendly space in Abidjan", "30000000", "XOF", "50000", None, True),
    # The latest: recorded with its evidence, awaiting TIP staff's verification.
    ("CO", 2027, "funding", "ICBF budget for child victim assistance", "1300000000", "COP", "300000", None, False),
]

# country, requested, due, measures. None received (GAO found none provided by 2023).
PLANS = [
    ("PE", D(2024, 8, 1), D(2025, 6, 15), [
        ("Institutionalize the specialized prosecutors' offices", "institutionalization",
         "Public Ministry"),
        ("Train new shelter staff every year", "training", "Ministry of Women"),
    ]),
    ("CO", D(2024, 8, 15), D(2027, 1, 31), [
        ("Keep the ICBF budget line for child victims after the compact", "budget_line",
         "Instituto Colombiano de Bienestar Familiar"),
    ]),
    ("CI", D(2024, 11, 15), D(2027, 6, 30), [
        ("Fund the child-friendly spaces from the ministry's budget", "budget_line",
         "Ministère de la Femme, de la Famille et de l'Enfant"),
    ]),
]
# Compacts whose plan was never requested: no partner government had provided one and the
# TIP Office had not followed up (GAO, 2023).
OTHER_PLANS = ["GH", "PH", "JM", "MN"]


def sample_pdf(text: str) -> bytes:
    """A one-page PDF saying ``text``: the sample evidence attached to demo contributions."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, xref))
    return bytes(out)


def _compact(iso: str) -> Compact | None:
    return Compact.objects.filter(country__iso_code=iso).order_by("pk").first()


@transaction.atomic
@loading_samples()
def seed(*, password: str) -> dict[str, int]:
    created = {"contributions": 0, "sustainability plans": 0}
    User = get_user_model()
    staff = User.objects.get(username="tip.staff")
    supervisor = User.objects.get(username="tip.supervisor")
    officer = User.objects.get(username="embassy.officer")
    for iso, fy, kind, text, local, currency, usd, personnel, verified in CONTRIBUTIONS:
        compact = _compact(iso)
        description = f"{text} {SAMPLE}"
        if compact is None or not compact.is_active_in(fy) or Contribution.objects.filter(
            compact=compact, fiscal_year=fy, description=description
        ).exists():
            continue
        dialogue = Dialogue.objects.filter(compact=compact, fiscal_year=fy).first()
        evidence = ContentFile(sample_pdf(f"Sample evidence: {text}, FY {fy}."),
                               name=f"sample-evidence-{iso.lower()}-fy{fy}.pdf")
        contribution = services.contribution_create(
            user=officer if iso in {"CO", "PE"} else staff,
            compact=compact, fiscal_year=fy, kind=kind, description=description,
            amount_local=Decimal(local), currency=currency, amount_usd=Decimal(usd),
            personnel_count=personnel, evidence=evidence,
            recorded_at_dialogue=dialogue if dialogue and dialogue.held_on else None,
        )
        if verified:
            services.contribution_verify(contribution=contribution, user=supervisor)
        created["contributions"] += 1

    for iso, requested, due, measures in PLANS:
        compact = _compact(iso)
        if compact is None or SustainabilityPlan.objects.filter(compact=compact).exists():
            continue
        plan = services.plan_create(
            user=staff, compact=compact, notes=f"Sample plan record. {SAMPLE}",
            measures=[{"description": f"{d} {SAMPLE}", "category": c,
                       "responsible_institution": r} for d, c, r in measures],
        )
        # A past request, loaded as it was recorded on its day.
        with recorded_as_of(timezone.make_aware(dt.datetime.combine(requested, dt.time(10)))):
            plan = services.plan_request(user=staff, plan=plan, due_on=due)
        services.follow_up_create(plan=plan, user=staff,
                                  date=requested + dt.timedelta(days=60),
                                  note=f"Asked the partner government about progress. {SAMPLE}")
        created["sustainability plans"] += 1

    for iso in OTHER_PLANS:
        compact = _compact(iso)
        if compact is None or SustainabilityPlan.objects.filter(compact=compact).exists():
            continue
        services.plan_create(user=staff, compact=compact)
        created["sustainability plans"] += 1
    return created


def mark_earlier_samples() -> int:
    """The contributions an earlier version of the demo loaded before it marked them as
    samples: their description says so."""
    return mark_as_samples(Contribution.objects.filter(description__endswith=SAMPLE,
                                                       is_sample=False))
