"""The standard indicator library: a starting point for every compact's indicators.

The TIP Office says it keeps 7-8 standard indicators, but its list is not public. This list is
**the project's own**, built from the program's 3P paradigm (prosecution, protection,
prevention, plus partnership) and from results the program has reported publicly. The data
migration ``0002_standard_indicators`` loads it; see ``docs/indicators.md``.
"""

OWN_LIST_NOTE = (
    " (CPC Oversight's own standard indicator: the TIP Office's list is not public.)"
)

STANDARD_INDICATORS = [
    {
        "code": "PROS-1", "pillar": "prosecution", "unit": "count", "direction": "increase",
        "cumulation": "non_cumulative",
        "name": "Child trafficking cases investigated",
        "definition": "Number of child trafficking cases the partner government's police or "
                      "specialized units opened an investigation into during the fiscal year.",
    },
    {
        "code": "PROS-2", "pillar": "prosecution", "unit": "count", "direction": "increase",
        "cumulation": "non_cumulative",
        "name": "Child trafficking cases resulting in a conviction",
        "definition": "Number of child trafficking prosecutions that ended in at least one "
                      "conviction during the fiscal year.",
    },
    {
        "code": "PROS-3", "pillar": "prosecution", "unit": "count", "direction": "increase",
        "cumulation": "cumulative",
        "name": "Criminal-justice and child-protection officials trained",
        "definition": "Police officers, prosecutors, judges, labor inspectors and social "
                      "workers who completed training on child trafficking; counted once per "
                      "person, the running total over the compact counts.",
    },
    {
        "code": "PROT-1", "pillar": "protection", "unit": "count", "direction": "increase",
        "cumulation": "non_cumulative",
        "name": "Child victims identified and referred to care",
        "definition": "Child victims of trafficking identified by government or civil society "
                      "and referred to care services during the fiscal year, disaggregated by "
                      "sex and age group (under 12, 12-17).",
    },
    {
        "code": "PROT-2", "pillar": "protection", "unit": "percent", "direction": "increase",
        "cumulation": "non_cumulative",
        "name": "Percent of identified child victims receiving comprehensive care",
        "definition": "Numerator: identified child victims who received comprehensive, "
                      "trauma-informed care (shelter or family-based care, health, psychosocial "
                      "and legal support). Denominator: child victims identified in the fiscal "
                      "year. The percent is computed from the two, never entered directly.",
    },
    {
        "code": "PROT-3", "pillar": "protection", "unit": "count", "direction": "increase",
        "cumulation": "latest",
        "name": "Specialized shelters for child victims operating",
        "definition": "Shelters or child-friendly spaces specialized in child trafficking "
                      "victims that are open at the end of the fiscal year; the latest count "
                      "stands.",
    },
    {
        "code": "PREV-1", "pillar": "prevention", "unit": "count", "direction": "increase",
        "cumulation": "cumulative",
        "name": "Community members reached by child trafficking prevention activities",
        "definition": "Parents, children, teachers and community leaders reached in person by "
                      "awareness sessions, school clubs or home visits; the running total over "
                      "the compact counts.",
    },
    {
        "code": "PART-1", "pillar": "partnership", "unit": "usd", "direction": "increase",
        "cumulation": "non_cumulative",
        "name": "Partner-government budget for child protection against trafficking",
        "definition": "Budget the partner government executed in the fiscal year for "
                      "anti-child-trafficking work (specialized units, shelters, referral "
                      "mechanism), converted to U.S. dollars at the year's average rate.",
    },
]


def load_library(standard_indicator_model) -> None:
    """Create or refresh the library's entries (the migration and test set-ups call it)."""
    for spec in STANDARD_INDICATORS:
        fields = {**spec, "definition": spec["definition"] + OWN_LIST_NOTE}
        code = fields.pop("code")
        standard_indicator_model.objects.update_or_create(code=code, defaults=fields)
