"""Load GAO's public record of GAO-23-105390's six recommendations (published 6 April 2023).

Source: GAO's product page and its status updates, as summarised in the project's domain
facts. The recommendation texts are paraphrases, not GAO's wording. Where the public record
gives a month but not a day, the first of the month is recorded (the end of the period for a
span of dialogues) and the note says so. Each record's history starts with a version saying
where it came from.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

D = dt.date
SOURCE = ("Loaded from GAO's public record of GAO-23-105390 (product page and status "
          "updates, as of May 2025).")
DIALOGUES = "the September 2024–January 2025 annual dialogues with Colombia, Peru and Côte d'Ivoire"
DIALOGUE_EVIDENCE = (
    "Agendas, discussion-question documents and summaries of the September 2024–January 2025 "
    "annual dialogues with Colombia, Peru and Côte d'Ivoire, as cited by GAO."
)
DIALOGUE_DATE = D(2025, 1, 31)  # the end of the period; the dialogues' own days vary
CLOSED_AS_OF = D(2025, 5, 1)
CLOSED_NOTE = (
    "GAO closed the recommendation as implemented, citing the actions of {dialogues}. "
    "Status as of GAO's last public update (May 2025; the day is not public, 1 May is "
    "recorded)."
)

RECOMMENDATIONS = [
    {
        "number": 1,
        "text": "Identify, together with each partner government, the key indicators to "
                "be discussed before each annual CPC dialogue. (Paraphrased.)",
        "action": "The TIP Office identified key indicators before {dialogues}: it keeps 7–8 "
                  "standard indicators as a starting point for each compact and treats them "
                  "as the key indicators.",
    },
    {
        "number": 2,
        "text": "Discuss indicator data with each partner government at each annual "
                "dialogue. (Paraphrased.)",
        "action": "Indicator data were discussed with the partner governments at {dialogues}.",
    },
    {
        "number": 3,
        "text": "Set annual targets for the performance indicators of each compact. "
                "(Paraphrased.)",
        "action": "The TIP Office set indicator targets during {dialogues}, in place of the "
                  "reporting template it dropped.",
    },
    {
        "number": 4,
        "text": "Reference the need for indicator targets in the program's guidance "
                "documents. (Paraphrased.)",
        "concurrence": "State concurred (letter of October 2023).",
        "status": "open",
        "status_as_of": D(2025, 5, 1),
        "status_note": (
            "As of November 2024 the TIP Office's guidance did not mention targets; in "
            "December 2024 the TIP Office said it would revise it; in May 2025 GAO asked "
            "State for an update (the day is not public, 1 May is recorded)."
        ),
        "actions": [{
            "date": D(2024, 12, 1),
            "description": "The TIP Office told GAO it would revise its guidance to "
                           "reference the need for indicator targets (December 2024; the "
                           "day is not public, 1 December is recorded).",
            "evidence": "The TIP Office's statement to GAO of December 2024, as reported in "
                        "GAO's status update; no revised guidance is cited.",
        }],
    },
    {
        "number": 5,
        "text": "Track each partner government's contributions to its compact annually. "
                "(Paraphrased.)",
        "action": "Partner-government contributions were discussed and tracked at "
                  "{dialogues}.",
    },
    {
        "number": 6,
        "text": "Discuss sustainability measures with each partner government at each "
                "annual dialogue. (Paraphrased.)",
        "action": "Sustainability measures were discussed with the partner governments at "
                  "{dialogues}.",
    },
]


def _history(Historical, instance, fields, now):
    Historical.objects.create(**{name: getattr(instance, name) for name in fields},
                              history_date=now, history_type="+",
                              history_change_reason=SOURCE)


def load(apps, schema_editor):
    Recommendation = apps.get_model("oversight", "GaoRecommendation")
    Action = apps.get_model("oversight", "GaoAgencyAction")
    HistoricalRecommendation = apps.get_model("oversight", "HistoricalGaoRecommendation")
    HistoricalAction = apps.get_model("oversight", "HistoricalGaoAgencyAction")
    now = timezone.now()
    recommendation_fields = [f.attname for f in Recommendation._meta.concrete_fields]
    action_fields = [f.attname for f in Action._meta.concrete_fields]
    for spec in RECOMMENDATIONS:
        if Recommendation.objects.filter(number=spec["number"]).exists():
            continue
        recommendation = Recommendation.objects.create(
            number=spec["number"], text=spec["text"],
            concurrence=spec.get("concurrence", "State concurred."),
            status=spec.get("status", "closed_implemented"),
            status_as_of=spec.get("status_as_of", CLOSED_AS_OF),
            status_note=spec.get("status_note", CLOSED_NOTE.format(dialogues=DIALOGUES)),
        )
        _history(HistoricalRecommendation, recommendation, recommendation_fields, now)
        actions = spec.get("actions") or [{
            "date": DIALOGUE_DATE,
            "description": spec["action"].format(dialogues=DIALOGUES),
            "evidence": DIALOGUE_EVIDENCE,
        }]
        for fields in actions:
            action = Action.objects.create(recommendation=recommendation, **fields)
            _history(HistoricalAction, action, action_fields, now)


def unload(apps, schema_editor):
    Recommendation = apps.get_model("oversight", "GaoRecommendation")
    Action = apps.get_model("oversight", "GaoAgencyAction")
    Action.objects.filter(recommendation__number__in=[1, 2, 3, 4, 5, 6]).delete()
    Recommendation.objects.filter(number__in=[1, 2, 3, 4, 5, 6]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_gao_recommendation_record"),
    ]

    operations = [migrations.RunPython(load, unload)]
