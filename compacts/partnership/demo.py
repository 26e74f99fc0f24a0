"""The demo's compact documents and partner pledges (called by ``compacts.demo.seed``).

The pledges keep to the public record (``DOMAIN_FACTS.md``): the Philippines pledged about
$0.8M, Peru at least S/ 8M. Only the totals are public: their split by fiscal year is the
demo's, and so is Peru's dollar value (at the rate the demo's planned contribution uses), so
every pledge row is a sample. The documents' text is written for the demo (the compacts'
documents are not public here): each is a sample. Nepal's compact, still being negotiated,
has none, and Côte d'Ivoire's leaves its assessment and sustainability mechanisms out, so
the compact page's panel names what is missing.
"""

from decimal import Decimal

from ..models import Compact, CompactDocument, PartnerPledge, PledgeKind
from . import services

PH_SOURCE = ("The Philippines pledged about $0.8M (public total, State Department); the split "
             "by fiscal year is a sample.")
PE_SOURCE = ("Peru pledged at least S/ 8M (public total); the split by fiscal year and the "
             "dollar value are samples.")
# iso -> [(fiscal year, kind, amount in local currency, currency, USD, source)]
PLEDGES = {
    "PH": [(year, PledgeKind.FUNDING, None, "", Decimal("200000"), PH_SOURCE)
           for year in (2018, 2019, 2020, 2021)],
    "PE": [(year, PledgeKind.FUNDING, Decimal("1600000"), "PEN", Decimal("480000"), PE_SOURCE)
           for year in (2018, 2019, 2020, 2021, 2022)],
}

COMMON = {
    "us_responsibilities": "Sample: fund the awards under the compact, through the TIP Office, "
                           "and monitor the implementers' work.",
    "implementation_mechanism": "Sample: implementers under cooperative agreements and grants "
                                "with the TIP Office, working with the ministries named in "
                                "the document.",
    "monitoring_mechanism": "Sample: the standard indicators, reported by the implementers and "
                            "discussed with the partner government at each annual dialogue.",
    "assessment_mechanism": "Sample: a baseline and an endline evaluation by an independent "
                            "evaluator.",
    "sustainability_mechanism": "Sample: the partner government takes the services over in its "
                                "budget before the compact ends, as its sustainability plan "
                                "sets out.",
}
DOCUMENTS = {
    "GH": {"partner_responsibilities": "Sample: investigate and prosecute child trafficking "
                                       "cases and care for identified child victims in the "
                                       "Central, Volta and Greater Accra regions.",
           "activities": "Sample: training of police and prosecutors; shelter care; awareness "
                         "work on child trafficking in fishing and domestic servitude."},
    "PH": {"partner_responsibilities": "Sample: lead operations against online sexual "
                                       "exploitation of children and child labor trafficking "
                                       "in Metro Manila and Central Visayas.",
           "activities": "Sample: joint operations, victim care and prosecutions."},
    "PE": {"partner_responsibilities": "Sample: staff specialized shelters and specialized "
                                       "police and prosecutor posts; adopt a health-ministry "
                                       "protocol for child victims.",
           "activities": "Sample: specialized shelters, specialized posts, a health protocol."},
    "JM": {"partner_responsibilities": "Sample: run a national referral mechanism and "
                                       "child-friendly spaces in several parishes.",
           "activities": "Sample: a national referral mechanism; child-friendly spaces."},
    "MN": {"partner_responsibilities": "Sample: lead a multidisciplinary task force and grow "
                                       "the child-friendly spaces.",
           "activities": "Sample: task force, trainers trained, school clubs, home visitors."},
    "CO": {"partner_responsibilities": "Sample: act against child sex trafficking in tourism, "
                                       "online exploitation through webcam modeling, forced "
                                       "child begging and forced recruitment.",
           "activities": "Sample: prevalence research before programming; training; care."},
    # Left incomplete: the panel names what is missing.
    "CI": {"partner_responsibilities": "Sample: lead the national response to child "
                                       "trafficking and cooperate with the research.",
           "activities": "Sample: prevalence research before programming; victim services.",
           "assessment_mechanism": "", "sustainability_mechanism": ""},
}


def seed(*, user) -> dict[str, int]:
    """Documents and pledges of the demo's compacts that have none yet (idempotent)."""
    created = {"compact documents": 0, "pledges": 0}
    for compact in Compact.objects.select_related("country").order_by("pk"):
        iso = compact.country.iso_code.code
        if iso in DOCUMENTS and not CompactDocument.objects.filter(compact=compact).exists():
            services.compact_document_save(user=user, compact=compact,
                                           data=COMMON | DOCUMENTS[iso])
            created["compact documents"] += 1
        if iso in PLEDGES and not PartnerPledge.objects.filter(compact=compact).exists():
            for year, kind, local, currency, usd, source in PLEDGES[iso]:
                services.pledge_create(user=user, compact=compact, fiscal_year=year, kind=kind,
                                       amount_local=local, currency=currency, amount_usd=usd,
                                       source=source)
                created["pledges"] += 1
    return created
