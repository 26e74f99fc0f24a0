"""The standard indicator library: a starting point for every compact's indicators.

The TIP Office says it keeps 7-8 standard indicators, but its list is not public. This list is
**the project's own**, built from the program's 3P paradigm (prosecution, protection,
prevention, plus partnership) and from results the program has reported publicly. The data
migration ``0002_standard_indicators`` loads it; see ``docs/indicators.md``.
"""

OWN_LIST_NOTE = (
    " (CPC Oversight's own standard indicator: the TIP Office's list is not public.)"
)

OWN_LIST_NOTES = {
    "es": " (Indicador estándar propio de CPC Oversight: la lista de la Oficina TIP no es "
          "pública.)",
    "fr": " (Indicateur standard propre à CPC Oversight : la liste du Bureau TIP n'est pas "
          "publique.)",
}

# The library's names and definitions in Spanish and French, by code (docs/i18n.md): copied
# onto a compact's indicator made from the library, like the English.
TRANSLATIONS = {
    "PROS-1": {
        "es": ("Casos de trata infantil investigados",
               "Número de casos de trata infantil en los que la policía o las unidades "
               "especializadas del gobierno socio abrieron una investigación durante el año "
               "fiscal."),
        "fr": ("Affaires de traite d'enfants ayant fait l'objet d'une enquête",
               "Nombre d'affaires de traite d'enfants pour lesquelles la police ou les unités "
               "spécialisées du gouvernement partenaire ont ouvert une enquête au cours de "
               "l'exercice."),
    },
    "PROS-2": {
        "es": ("Casos de trata infantil que terminaron en condena",
               "Número de procesos por trata infantil que terminaron con al menos una condena "
               "durante el año fiscal."),
        "fr": ("Affaires de traite d'enfants ayant abouti à une condamnation",
               "Nombre de poursuites pour traite d'enfants ayant abouti à au moins une "
               "condamnation au cours de l'exercice."),
    },
    "PROS-3": {
        "es": ("Funcionarios de justicia penal y de protección infantil capacitados",
               "Policías, fiscales, jueces, inspectores de trabajo y trabajadores sociales que "
               "completaron una capacitación sobre trata infantil; cada persona se cuenta una "
               "vez y cuenta el total acumulado del pacto."),
        "fr": ("Agents de la justice pénale et de la protection de l'enfance formés",
               "Policiers, procureurs, juges, inspecteurs du travail et travailleurs sociaux "
               "ayant suivi une formation sur la traite des enfants ; chaque personne est "
               "comptée une fois, le total cumulé sur la durée du pacte fait foi."),
    },
    "PROT-1": {
        "es": ("Niñas, niños y adolescentes víctimas identificados y derivados a atención",
               "Niñas, niños y adolescentes víctimas de trata identificados por el gobierno o "
               "la sociedad civil y derivados a servicios de atención durante el año fiscal, "
               "desglosados por sexo y grupo de edad (menores de 12, 12-17)."),
        "fr": ("Enfants victimes identifiés et orientés vers une prise en charge",
               "Enfants victimes de traite identifiés par le gouvernement ou la société civile "
               "et orientés vers des services de prise en charge au cours de l'exercice, "
               "ventilés par sexe et tranche d'âge (moins de 12 ans, 12-17 ans)."),
    },
    "PROT-2": {
        "es": ("Porcentaje de víctimas infantiles identificadas que reciben atención integral",
               "Numerador: víctimas infantiles identificadas que recibieron atención integral "
               "e informada sobre el trauma (albergue o cuidado de base familiar, salud, apoyo "
               "psicosocial y jurídico). Denominador: víctimas infantiles identificadas en el "
               "año fiscal. El porcentaje se calcula a partir de ambos y nunca se introduce "
               "directamente."),
        "fr": ("Pourcentage d'enfants victimes identifiés bénéficiant d'une prise en charge "
               "globale",
               "Numérateur : enfants victimes identifiés ayant bénéficié d'une prise en charge "
               "globale tenant compte des traumatismes (hébergement ou accueil familial, santé, "
               "soutien psychosocial et juridique). Dénominateur : enfants victimes identifiés "
               "au cours de l'exercice. Le pourcentage est calculé à partir des deux, jamais "
               "saisi directement."),
    },
    "PROT-3": {
        "es": ("Albergues especializados para víctimas infantiles en funcionamiento",
               "Albergues o espacios amigables para la niñez especializados en víctimas de "
               "trata infantil abiertos al cierre del año fiscal; cuenta la cifra más reciente."),
        "fr": ("Foyers spécialisés pour enfants victimes en activité",
               "Foyers ou espaces adaptés aux enfants spécialisés dans l'accueil des enfants "
               "victimes de traite, ouverts à la fin de l'exercice ; le dernier chiffre fait "
               "foi."),
    },
    "PREV-1": {
        "es": ("Miembros de la comunidad alcanzados por actividades de prevención de la trata "
               "infantil",
               "Madres, padres, niñas, niños, docentes y líderes comunitarios alcanzados en "
               "persona por sesiones de sensibilización, clubes escolares o visitas a hogares; "
               "cuenta el total acumulado del pacto."),
        "fr": ("Membres de la communauté touchés par les activités de prévention de la traite "
               "des enfants",
               "Parents, enfants, enseignants et responsables communautaires touchés en "
               "personne par des séances de sensibilisation, des clubs scolaires ou des visites "
               "à domicile ; le total cumulé sur la durée du pacte fait foi."),
    },
    "PART-1": {
        "es": ("Presupuesto del gobierno socio para la protección infantil contra la trata",
               "Presupuesto que el gobierno socio ejecutó en el año fiscal para la lucha "
               "contra la trata infantil (unidades especializadas, albergues, mecanismo de "
               "derivación), convertido a dólares estadounidenses al tipo de cambio medio del "
               "año."),
        "fr": ("Budget du gouvernement partenaire pour la protection des enfants contre la "
               "traite",
               "Budget exécuté par le gouvernement partenaire au cours de l'exercice pour la "
               "lutte contre la traite des enfants (unités spécialisées, foyers, mécanisme "
               "d'orientation), converti en dollars des États-Unis au taux moyen de l'année."),
    },
}

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
        if _has_translations(standard_indicator_model):
            for language, (name, definition) in TRANSLATIONS.get(code, {}).items():
                fields[f"name_{language}"] = name
                fields[f"definition_{language}"] = definition + OWN_LIST_NOTES[language]
        standard_indicator_model.objects.update_or_create(code=code, defaults=fields)


def _has_translations(model) -> bool:
    """Whether the model (perhaps a migration's historical one) has the translated fields:
    the library's first migration predates them."""
    return any(field.name == "name_es" for field in model._meta.get_fields())
