"""Sample annual dialogues for the demo compacts. Dates follow the program's story: before
GAO's 2023 review no key indicators were picked in advance nor discussed; from fiscal year
2024 on they are, and sustainability was discussed with Peru, Colombia and Côte d'Ivoire at
the FY 2025 dialogues. Every record here is a sample."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from compacts.models import Compact
from cpc.fiscal import fiscal_year_bounds, fiscal_year_of

from . import services
from .models import Dialogue, DialogueStatus

SAMPLE = "Sample record for demonstration."
SUSTAINABILITY_DISCUSSED_FY2025 = {"PE", "CO", "CI"}


def _years(compact: Compact, today: dt.date) -> list[int]:
    first = fiscal_year_of(compact.start_date) + 1
    last = min(fiscal_year_of(compact.current_end_date), fiscal_year_of(today))
    return list(range(first, last + 1))


@transaction.atomic
def seed(*, password: str) -> dict[str, int]:
    today = timezone.localdate()
    created = 0
    compacts = Compact.objects.exclude(start_date=None).select_related("country")
    for compact in compacts.prefetch_related("indicators"):
        iso = compact.country.iso_code.code
        keys = [i for i in compact.indicators.all() if i.is_key]
        for fiscal_year in _years(compact, today):
            if Dialogue.objects.filter(compact=compact, fiscal_year=fiscal_year).exists():
                continue
            start, end = fiscal_year_bounds(fiscal_year)
            meeting = dt.date(fiscal_year, 3, 15)
            if not (compact.start_date <= meeting <= compact.current_end_date):
                meeting = min(max(compact.start_date + dt.timedelta(days=30), start), end)
            after_review = fiscal_year >= 2024
            dialogue = services.dialogue_create(
                compact=compact, fiscal_year=fiscal_year, scheduled_for=meeting,
                format="hybrid" if after_review else "in_person",
                key_indicators=keys if after_review else [],
            )
            if after_review and keys:
                # Historical sample: the key indicators were picked six weeks ahead.
                Dialogue.objects.filter(pk=dialogue.pk).update(
                    key_indicators_identified_on=meeting - dt.timedelta(days=42))
            created += 1
            if meeting >= today:
                continue  # still planned
            for name, organization, side in [
                ("TIP Office program officer", "U.S. Department of State", "us_government"),
                ("Embassy TIP officer", f"U.S. Embassy, {compact.country.name}",
                 "us_government"),
                ("Anti-trafficking unit head", f"Government of {compact.country.name}",
                 "partner_government"),
            ]:
                services.participant_add(dialogue=dialogue, name=name,
                                         organization=organization, side=side)
            dialogue = services.dialogue_move(dialogue=dialogue, status=DialogueStatus.HELD,
                                              held_on=meeting)
            if after_review:
                for indicator in keys:
                    services.discussion_record(
                        dialogue=dialogue, indicator=indicator,
                        notes=f"Progress against the annual target reviewed. {SAMPLE}")
            services.action_item_add(
                dialogue=dialogue, owner=f"Government of {compact.country.name}",
                description=f"Share the year's referral and case data. {SAMPLE}",
                due_on=meeting + dt.timedelta(days=90),
                status="done" if fiscal_year < fiscal_year_of(today) - 1 else "open",
            )
            discussed = fiscal_year >= 2025 and iso in SUSTAINABILITY_DISCUSSED_FY2025
            services.dialogue_update(dialogue=dialogue, data={
                "summary": f"Annual dialogue for FY {fiscal_year}. {SAMPLE}",
                "contributions_discussed": after_review,
                "sustainability_discussed": discussed,
                "sustainability_notes": ("The plan to sustain shelters and specialized units "
                                         f"after the compact was discussed. {SAMPLE}"
                                         if discussed else ""),
            })
            if fiscal_year < fiscal_year_of(today) - 1:
                services.dialogue_move(dialogue=dialogue, status=DialogueStatus.CLOSED)
    return {"dialogues": created}
