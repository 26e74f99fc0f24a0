"""The demo's compact record beyond its figures: selection factors and evaluations.

What the public record says is kept as it says it (Ghana's endline evaluation used baseline,
midline and endline rounds against comparison regions; Colombia and Côte d'Ivoire funded
prevalence research before programming, Côte d'Ivoire's with the University of
Massachusetts Lowell). Dates, findings and factor values the public record does not give
are samples (the loader marks them, cpc/samples.py). TIP Report tiers stay those of the 2023
report (compacts/demo.py): no later year is invented.
"""

import datetime as dt

from compacts.models import Compact, Implementer, SelectionFactor
from compacts.selection import selection_factor_save

from .evaluation_services import evaluation_create
from .models import Evaluation

D = dt.date
FACT_SHEET = "State Department fact sheet on Child Protection Compact Partnerships"
# (factor, value, source) for every demo compact: samples.
COMMON_FACTORS = [
    ("income_level", "Low- or middle-income country (sample classification).",
     "World Bank country classification (sample edition)"),
    ("commitment", "The government agreed to work with the United States, civil society and "
                   "international organizations and to cooperate with monitoring and "
                   "evaluation (sample wording).", FACT_SHEET),
]
FORMS_OF_TRAFFICKING = {
    "PH": "Online sexual exploitation of children and child labor trafficking (Metro Manila, "
          "Central Visayas).",
    "CO": "Child sex trafficking in tourism, online exploitation through \"webcam modeling\", "
          "forced child begging and forced recruitment by armed groups.",
}
# (country, kind, title, fieldwork, published, implementer, design, findings)
EVALUATIONS = [
    ("GH", "baseline", "Ghana CPC evaluation: baseline round", (D(2016, 2, 1), D(2016, 5, 31)),
     D(2016, 11, 30), None, "Baseline round of the compact's evaluation, in program and "
     "comparison regions.", "Sample findings: the baseline set the starting levels of the "
     "compact's indicators in program and comparison regions."),
    ("GH", "midline", "Ghana CPC evaluation: midline round", (D(2018, 2, 1), D(2018, 5, 31)),
     D(2018, 12, 14), None, "Midline round, program and comparison regions.",
     "Sample findings: changes against the baseline at mid-term."),
    ("GH", "endline", "Ghana CPC endline evaluation", (D(2020, 9, 1), D(2020, 12, 15)),
     D(2021, 6, 30), None, "Baseline, midline and endline rounds in the program's regions "
     "against comparison regions.", "Sample findings: results in the program's regions "
     "compared with the comparison regions across the three rounds."),
    ("CO", "prevalence", "Colombia child trafficking prevalence research",
     (D(2022, 11, 1), D(2023, 4, 30)), D(2023, 9, 29), None,
     "Prevalence research funded before programming.",
     "Sample findings: estimates of the prevalence of the forms of child trafficking the "
     "compact addresses."),
    ("CI", "prevalence", "Côte d'Ivoire child trafficking prevalence research",
     (D(2023, 3, 1), D(2023, 8, 31)), D(2024, 2, 28), "University of Massachusetts Lowell",
     "Prevalence research funded before programming.",
     "Sample findings: estimates of the prevalence of child trafficking in the compact's "
     "areas."),
]


def seed_record(*, staff) -> dict[str, int]:
    created = {"selection factors": 0, "evaluations": 0}
    compacts = {c.country.iso_code.code: c
                for c in Compact.objects.select_related("country").order_by("pk")}
    for iso, compact in compacts.items():
        if compact.start_date is None and compact.signed_on is None:
            continue
        as_of = (compact.signed_on or compact.start_date) - dt.timedelta(days=90)
        factors = [(f, v, s) for f, v, s in COMMON_FACTORS]
        if iso in FORMS_OF_TRAFFICKING:
            factors.insert(0, ("tip_report", FORMS_OF_TRAFFICKING[iso], FACT_SHEET))
        for factor, value, source in factors:
            if SelectionFactor.objects.filter(compact=compact, factor=factor).exists():
                continue
            selection_factor_save(user=staff, compact=compact, factor=factor, value=value,
                                  source=source, as_of=as_of)
            created["selection factors"] += 1
    for iso, kind, title, (start, end), published, implementer, design, findings in (
            EVALUATIONS):
        compact = compacts.get(iso)
        if compact is None or Evaluation.objects.filter(compact=compact, title=title).exists():
            continue
        evaluation_create(
            user=staff, compact=compact, kind=kind, title=title, fieldwork_start=start,
            fieldwork_end=end, published_on=published, design=design, key_findings=findings,
            implementer=Implementer.objects.filter(name=implementer).first()
            if implementer else None,
            indicators=compact.indicators.filter(is_key=True).order_by("code")[:3])
        created["evaluations"] += 1
    return created
