"""Demo data: the program's real partner countries and compact dates (public facts), with
sample awards and objectives. Every invented figure is marked as a sample (``is_sample``, see
cpc/samples.py): the award amounts, Peru's planned contribution in dollars (its pledge is
public in soles only) and the guidance version, whose title says so too. A figure that is not
public is left empty ("not reported"), never 0: the planned contribution of most compacts and
the ceiling at signing of Jamaica and Mongolia, whose public record gives only the total in
the end. The ceiling is the one stated at signing (or first announced); what was awarded is
the sum of the awards, never loaded as a ceiling.

Each ``seed_*`` function is idempotent: it looks records up by their natural key and creates
only what is missing, so running the command twice changes nothing.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cpc.access.roles import AUDITOR, EMBASSY_OFFICER, IMPLEMENTER, TIP_STAFF
from cpc.samples import loading_samples, mark_as_samples

from . import finance_samples, services
from .models import (
    Award,
    Compact,
    Extension,
    GuidanceDocument,
    Implementer,
    PartnerCountry,
    TierRanking,
)
from .partnership import demo as partnership_demo

SAMPLE = "Sample figure for demonstration; not an official number."
GUIDANCE_TITLE = "Sample: CPC Partnership Monitoring Guidance"
# Loaded by the demo before its guidance version said it was a sample.
EARLIER_GUIDANCE_TITLE = "CPC Partnership Monitoring Guidance"
# The totals the demo loaded as ceilings before the ceiling at signing (corrected on load).
EARLIER_CEILINGS = {"GH": Decimal("6900000"), "PH": Decimal("4900000"),
                    "PE": Decimal("9800000"), "JM": Decimal("6700000"),
                    "MN": Decimal("6500000")}

D = dt.date

COUNTRIES = [
    # iso, region, 2023 TIP Report tier (third-party copy of the rankings)
    ("GH", "africa", "tier_2"),
    ("PH", "east_asia_pacific", "tier_1"),
    ("PE", "western_hemisphere", "tier_2"),
    ("JM", "western_hemisphere", "tier_2"),
    ("MN", "east_asia_pacific", "tier_2"),
    ("CO", "western_hemisphere", "tier_1"),
    ("CI", "africa", "tier_2"),
    ("NP", "south_central_asia", "tier_2"),
]

COMPACTS = [
    {
        "iso": "GH", "title": "Ghana Child Protection Compact Partnership", "status": "closed",
        "signed_on": D(2015, 6, 23), "start_date": D(2015, 6, 23), "end_date": D(2020, 6, 23),
        # Up to $5M at signing; about $6.9M in all (the total awarded).
        "us_funding_usd": Decimal("5000000"), "partner_contribution_planned_usd": None,
        "objectives": [
            ("prosecution", "Improve the investigation and prosecution of child trafficking cases in the Central, Volta and Greater Accra regions."),
            ("protection", "Provide comprehensive, trauma-informed care to identified child victims."),
            ("prevention", "Raise awareness of child trafficking in fishing and domestic servitude in source communities."),
        ],
        "awards": [
            ("International Organization for Migration", "international_organization", "cooperative_agreement", "SAMPLE-GH-2015-01", "3500000", D(2015, 9, 1), D(2020, 6, 1), ["protection", "partnership"]),
            ("Free the Slaves", "civil_society", "cooperative_agreement", "SAMPLE-GH-2015-02", "1500000", D(2015, 9, 1), D(2020, 6, 1), ["prevention", "prosecution"]),
        ],
        "extensions": [],
    },
    {
        "iso": "PH", "title": "Philippines Child Protection Compact Partnership", "status": "closed",
        "signed_on": D(2017, 4, 11), "start_date": D(2017, 4, 11), "end_date": D(2021, 4, 11),
        # $3.5M at first; about $4.9M in all. The Philippines pledged about $0.8M (public).
        "us_funding_usd": Decimal("3500000"), "partner_contribution_planned_usd": Decimal("800000"),
        "objectives": [
            ("prosecution", "Strengthen operations against online sexual exploitation of children and arrest suspected perpetrators."),
            ("protection", "Improve care for child victims of online sexual exploitation and child labor trafficking in Metro Manila and Central Visayas."),
            ("prevention", "Reduce child labor trafficking through community awareness."),
        ],
        "awards": [
            ("International Justice Mission", "civil_society", "cooperative_agreement", "SAMPLE-PH-2017-01", "2500000", D(2017, 9, 1), D(2021, 3, 31), ["prosecution", "protection"]),
            ("The Salvation Army", "civil_society", "grant", "SAMPLE-PH-2017-02", "1000000", D(2017, 9, 1), D(2021, 3, 31), ["protection", "prevention"]),
        ],
        "extensions": [],
    },
    {
        "iso": "PE", "language": "es", "title": "Peru Child Protection Compact Partnership", "status": "closed",
        "signed_on": D(2017, 6, 15), "start_date": D(2017, 6, 15), "end_date": D(2022, 6, 15),
        # $5M at first; later totals above $9.8M (sources differ).
        "us_funding_usd": Decimal("5000000"), "partner_contribution_planned_usd": Decimal("2400000"),
        # Peru pledged at least S/ 8M; the dollar figure uses a sample exchange rate.
        "partner_contribution_planned_is_sample": True,
        "objectives": [
            ("prosecution", "Create specialized police and prosecutor posts for child trafficking cases."),
            ("protection", "Open specialized shelters and adopt a health-ministry protocol for child victims."),
            ("prevention", "Prevent child trafficking in the regions of highest prevalence."),
            ("partnership", "Coordinate national and regional institutions with civil society."),
        ],
        "awards": [
            ("International Labour Organization", "international_organization", "grant", "SAMPLE-PE-2017-01", "4000000", D(2017, 10, 1), D(2022, 6, 1), ["prevention", "partnership"]),
            ("Centro Yanapanakusun", "civil_society", "grant", "SAMPLE-PE-2017-02", "1000000", D(2017, 10, 1), D(2022, 6, 1), ["protection"]),
            ("ABA Rule of Law Initiative", "civil_society", "cooperative_agreement", "SAMPLE-PE-2019-01", "2000000", D(2019, 1, 1), D(2024, 6, 1), ["prosecution"]),
        ],
        "extensions": [
            (D(2022, 6, 10), D(2025, 6, 15), "Extended past the original term; the final annual dialogue was held between September 2024 and January 2025 (other sources: October 2024). The signing date and new end date are samples."),
        ],
    },
    {
        "iso": "JM", "title": "Jamaica Child Protection Compact Partnership", "status": "closed",
        "signed_on": D(2018, 5, 31), "start_date": D(2018, 5, 31), "end_date": D(2022, 5, 31),
        # No public ceiling at signing: about $6.7M in all is a total, not a ceiling.
        "us_funding_usd": None, "partner_contribution_planned_usd": None,
        "objectives": [
            ("protection", "Establish a national referral mechanism and child-friendly spaces in several parishes."),
            ("prosecution", "Build the capacity of investigators and prosecutors to handle child trafficking cases."),
        ],
        "awards": [
            ("International Organization for Migration", "international_organization", "cooperative_agreement", "SAMPLE-JM-2018-01", "2500000", D(2018, 9, 1), D(2023, 5, 1), ["protection"]),
            ("The Warnath Group", "private_firm", "contract", "SAMPLE-JM-2018-02", "1500000", D(2018, 9, 1), D(2022, 5, 1), ["prosecution"]),
            ("Winrock International", "civil_society", "cooperative_agreement", "SAMPLE-JM-2019-01", "1500000", D(2019, 1, 1), D(2023, 5, 1), ["prevention"]),
        ],
        "extensions": [
            (D(2022, 5, 20), D(2023, 5, 31), "The partnership concluded in May 2023. The signing date is a sample."),
        ],
    },
    {
        "iso": "MN", "title": "Mongolia Child Protection Compact Partnership", "status": "closed",
        "signed_on": D(2020, 4, 2), "start_date": D(2020, 4, 2), "end_date": D(2024, 4, 2),
        # No public ceiling at signing: about $6.5M by late 2024 is a total, not a ceiling.
        "us_funding_usd": None, "partner_contribution_planned_usd": None,
        "objectives": [
            ("protection", "Grow the number of child-friendly spaces and train home visitors who refer children at risk."),
            ("partnership", "Form a multidisciplinary task force on child trafficking."),
            ("prevention", "Start school clubs that teach children to recognize trafficking."),
        ],
        "awards": [
            ("World Vision", "civil_society", "cooperative_agreement", "SAMPLE-MN-2020-01", "3000000", D(2020, 9, 1), D(2025, 3, 31), ["protection", "prevention"]),
            ("The Asia Foundation", "civil_society", "cooperative_agreement", "SAMPLE-MN-2020-02", "2500000", D(2020, 9, 1), D(2025, 3, 31), ["prosecution", "partnership"]),
        ],
        "extensions": [
            (D(2024, 3, 20), D(2025, 4, 2), "A fifth year was added (announced in August 2024). The signing date is a sample."),
        ],
    },
    {
        "iso": "CO", "language": "es", "title": "Colombia Child Protection Compact Partnership", "status": "active",
        "signed_on": D(2022, 4, 26), "start_date": D(2022, 4, 26), "end_date": D(2027, 4, 26),
        # Up to $10M; about $9.6M awarded in October 2022.
        "us_funding_usd": Decimal("10000000"), "partner_contribution_planned_usd": None,
        "objectives": [
            ("prosecution", "Investigate and prosecute child sex trafficking in tourism and online exploitation through 'webcam modeling'."),
            ("protection", "Identify and assist children in forced begging and those recruited by armed groups."),
            ("prevention", "Use prevalence research to focus prevention where child trafficking is most common."),
        ],
        "awards": [
            ("NORC at the University of Chicago", "university", "cooperative_agreement", "SAMPLE-CO-2022-01", "1600000", D(2022, 10, 1), D(2027, 3, 31), ["partnership"]),
            ("Fundación Renacer", "civil_society", "grant", "SAMPLE-CO-2022-02", "2500000", D(2022, 10, 1), D(2027, 3, 31), ["protection"]),
            ("ABA Rule of Law Initiative", "civil_society", "cooperative_agreement", "SAMPLE-CO-2022-03", "3000000", D(2022, 10, 1), D(2027, 3, 31), ["prosecution"]),
            ("Pan American Development Foundation", "civil_society", "cooperative_agreement", "SAMPLE-CO-2022-04", "2500000", D(2022, 10, 1), D(2027, 3, 31), ["prevention"]),
        ],
        "extensions": [],
    },
    {
        "iso": "CI", "language": "fr", "title": "Côte d'Ivoire Child Protection Compact Partnership", "status": "active",
        "signed_on": D(2022, 12, 7), "start_date": D(2022, 12, 7), "end_date": D(2027, 12, 7),
        # Up to $10M.
        "us_funding_usd": Decimal("10000000"), "partner_contribution_planned_usd": None,
        "objectives": [
            ("protection", "Provide comprehensive care to child victims of trafficking."),
            ("prevention", "Measure the prevalence of child trafficking before programming."),
            ("prosecution", "Strengthen the investigation of child trafficking cases."),
        ],
        "awards": [
            ("University of Massachusetts Lowell", "university", "cooperative_agreement", "SAMPLE-CI-2023-01", "1500000", D(2023, 1, 15), D(2027, 9, 30), ["partnership"]),
            ("Save the Children", "civil_society", "cooperative_agreement", "SAMPLE-CI-2023-02", "5000000", D(2023, 6, 1), D(2027, 9, 30), ["protection", "prevention"]),
        ],
        "extensions": [],
    },
    {
        "iso": "NP", "title": "Nepal Child Protection Compact Partnership (in negotiation)",
        "status": "negotiating", "signed_on": None, "start_date": None, "end_date": None,
        # Up to $10M (in negotiation).
        "us_funding_usd": Decimal("10000000"), "partner_contribution_planned_usd": None,
        "objectives": [],
        "awards": [],
        "extensions": [],
    },
]

DEMO_USERS = [
    # username, role, countries, is_staff (admin access), what the login is for (the run
    # command's banner prints it: manage.py demo_logins)
    ("tip.staff", TIP_STAFF, [], True, "TIP Office staff: everything"),
    # A second TIP Office staff member: verifies, confirms and approves what tip.staff or an
    # officer entered (four eyes).
    ("tip.supervisor", TIP_STAFF, [], True,
     "a second TIP Office staff member: verifies and confirms what others entered"),
    ("embassy.officer", EMBASSY_OFFICER, ["CO", "PE"], False,
     "embassy officer for Colombia and Peru"),
    ("auditor", AUDITOR, [], True, "reads everything, requests reports"),
    ("implementer", IMPLEMENTER, [], False,
     "implementer (Fundación Renacer): reports results of its Colombia award"),
]
# What the IATI file says of the demo's implementers (docs/iati.md): the identifiers the
# organisations publish to IATI themselves (IOM and the ILO under their OECD DAC channel
# codes), none where not known for certain (the file then names the organisation without a
# reference); and whether a civil society organisation is international (21) or based in the
# partner country (24): Fundación Renacer (Colombia) and Centro Yanapanakusun (Cusco, Peru)
# are partner-country NGOs, the others work in many countries from abroad.
_INTERNATIONAL_NGO = {"ngo_type": "21"}
IMPLEMENTER_IATI = {
    "International Organization for Migration": {"iati_ref": "XM-DAC-47066"},
    "International Labour Organization": {"iati_ref": "XM-DAC-41302"},
    "Fundación Renacer": {"ngo_type": "24"},
    "Centro Yanapanakusun": {"ngo_type": "24"},
    **dict.fromkeys((
        "ABA Rule of Law Initiative", "Free the Slaves", "International Justice Mission",
        "Pan American Development Foundation", "Save the Children", "The Asia Foundation",
        "The Salvation Army", "Winrock International", "World Vision"), _INTERNATIONAL_NGO),
}

# The organisations each demo implementer works for: a Colombia award's implementer.
DEMO_IMPLEMENTERS = {"implementer": ["Fundación Renacer"]}


@transaction.atomic
@loading_samples()
def seed(*, password: str) -> dict[str, int]:
    created = {"countries": 0, "compacts": 0, "awards": 0, "extensions": 0, "users": 0}
    staff = _demo_staff(created)
    countries = {}
    for iso, region, tier in COUNTRIES:
        country = PartnerCountry.objects.filter(iso_code=iso).first()
        if country is None:
            country = services.country_create(user=staff, iso_code=iso, region=region)
            created["countries"] += 1
        countries[iso] = country
        if not TierRanking.objects.filter(country=country, report_year=2023).exists():
            services.tier_ranking_create(user=staff, country=country, report_year=2023,
                                         tier=tier)

    for spec in COMPACTS:
        country = countries[spec["iso"]]
        compact = Compact.objects.filter(country=country, title=spec["title"]).first()
        if compact is None:
            fields = {k: v for k, v in spec.items()
                      if k not in {"iso", "objectives", "awards", "extensions"}}
            compact = services.compact_create(
                user=staff, country=country,
                objectives=[{"pillar": p, "description": d} for p, d in spec["objectives"]],
                **fields,
            )
            created["compacts"] += 1
        else:
            _correct_earlier_compact(compact, spec, user=staff)
        for signed_on, new_end, reason in spec["extensions"]:
            if not Extension.objects.filter(compact=compact, new_end_date=new_end).exists():
                services.extension_create(
                    user=staff, compact=compact, signed_on=signed_on, new_end_date=new_end, reason=reason
                )
                created["extensions"] += 1
        for name, kind, mechanism, number, amount, start, end, pillars in spec["awards"]:
            if Award.objects.filter(award_number=number).exists():
                continue
            implementer = Implementer.objects.filter(name=name).first() or (
                services.implementer_get_or_create(name=name, kind=kind,
                                                   **IMPLEMENTER_IATI.get(name, {}))
            )
            services.award_create(
                user=staff, compact=compact, implementer=implementer, mechanism=mechanism,
                award_number=number, amount_usd=Decimal(amount), start_date=start,
                end_date=end, pillars=pillars,
            )
            created["awards"] += 1

    # Sample finances; Free the Slaves' Ghana award keeps a balance after the compact ended.
    finance_samples.fill(Award.objects.order_by("pk"), user=staff, today=timezone.localdate(),
                         left_unspent={"SAMPLE-GH-2015-02": Decimal("120000")})

    earlier = GuidanceDocument.objects.filter(title=EARLIER_GUIDANCE_TITLE, version="1.0",
                                              summary__startswith="Sample guidance record")
    for guidance in earlier:
        # Loaded before the demo's guidance said it was a sample: its title says so now.
        services.guidance_document_update(user=None, guidance=guidance, data={
            "title": GUIDANCE_TITLE})
    if not GuidanceDocument.objects.exists():
        services.guidance_document_create(
            title=GUIDANCE_TITLE, version="1.0",
            effective_from=D(2023, 10, 1),
            summary="Sample guidance record (no document attached, no passage on targets): "
                    "as of November 2024 the program's guidance did not mention targets, and "
                    "GAO recommendation 4 (guidance should reference the need for targets) "
                    "was still open at the last public update.",
        )

    created |= partnership_demo.seed(user=staff)  # the compacts' documents and pledges
    User = get_user_model()
    for username, role, isos, is_staff, _about in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@example.org")
            created["users"] += 1
        user.is_staff = is_staff
        user.set_password(password)
        user.save()
        services.user_assign_role(
            user=user, role=role, countries=[countries[iso] for iso in isos],
            implementers=Implementer.objects.filter(
                name__in=DEMO_IMPLEMENTERS.get(username, ())),
        )
    return created


def _demo_staff(created: dict[str, int]):
    """The demo's TIP Office staff login (``tip.staff``), in its role before anything else is
    loaded: the demo's countries, compacts and awards are written as that person would write
    them, through the same services and their checks. Its password and admin access are set
    with the other demo logins."""
    username, role = DEMO_USERS[0][:2]
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=f"{username}@example.org")
        user.set_unusable_password()
        user.save()
        created["users"] += 1
    services.user_assign_role(user=user, role=role)
    return user


def _correct_earlier_compact(compact: Compact, spec: dict, *, user) -> None:
    """A demo compact loaded by an earlier version of the demo gets what it says now: its
    partner's language, the ceiling at signing in place of the total loaded as a ceiling,
    and the sample mark on Peru's planned contribution. A figure someone changed since is
    left as it is."""
    iso = spec["iso"]
    data = {}
    if compact.language != spec.get("language", "en"):
        data["language"] = spec["language"]
    if iso in EARLIER_CEILINGS and compact.us_funding_usd == EARLIER_CEILINGS[iso]:
        data["us_funding_usd"] = spec["us_funding_usd"]
    if data:
        compact = services.compact_update(user=user, compact=compact, data=data)
    if (spec.get("partner_contribution_planned_is_sample")
            and not compact.partner_contribution_planned_is_sample
            and compact.partner_contribution_planned_usd
            == spec["partner_contribution_planned_usd"]):
        compact.partner_contribution_planned_is_sample = True
        compact.save(update_fields=["partner_contribution_planned_is_sample"])


def mark_earlier_samples() -> int:
    """The award amounts an earlier version of the demo loaded before it marked them as
    samples: its award numbers say ``SAMPLE-``."""
    return mark_as_samples(Award.objects.filter(award_number__startswith="SAMPLE-",
                                                is_sample=False))
