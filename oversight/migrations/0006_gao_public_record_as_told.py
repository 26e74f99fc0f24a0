"""GAO's public record of GAO-23-105390's six recommendations (published 6 April 2023), as
GAO's product page tells it, and nothing more (../shared/DOMAIN_FACTS.md).

- Recommendations 1, 2, 3, 5 and 6 are closed, implemented. GAO gives **no public date** for
  their closure: none is recorded (``status_as_of`` empty), and the pages say "as reported by
  GAO, 2025".
- Each of their actions has its own description and evidence, each quoting what GAO says of
  that recommendation, and says when as the source does (the dialogues of September 2024 to
  January 2025) without inventing a day.
- Recommendation 4 stays open, dated by its own events (concurrence in October 2023, guidance
  without targets in November 2024, the TIP Office's statement of December 2024, GAO's
  request for an update in May 2025), again without an invented day.

A fresh database gets the record here (``0002`` loads nothing any more). A database loaded
by the earlier ``0002`` (which recorded a closure on 1 May 2025 and one blanket action dated
31 January 2025 for all five) is corrected here, row by row, where a row still holds exactly
what that version loaded; a row TIP staff have changed since is left as they made it. Both
end with the same record; the history of a corrected row keeps the earlier version and says
why it changed.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

SOURCE = ("Loaded from GAO's public record of GAO-23-105390 (product page and status "
          "updates, as of May 2025).")
CORRECTION = ("Corrected to GAO's public record: GAO gives no date for the closure (none is "
              "recorded), and each action has its own evidence and is dated as the source "
              "dates it, without an invented day.")
DIALOGUES = "September 2024 to January 2025"
CLOSED_REPORTED = "2025"
CLOSED_NOTE = ("GAO describes the actions State took and reads the recommendation as closed, "
               "implemented. GAO's public record gives no date for the closure.")

RECORD = [
    {
        "number": 1,
        "text": "Identify, together with each partner government, the key indicators to "
                "be discussed before each annual CPC dialogue. (Paraphrased.)",
        "action": {
            "period": f"Before the annual dialogues of {DIALOGUES}",
            "description": "The TIP Office now keeps 7–8 standard indicators as the starting "
                           "point for each compact and treats them as key indicators. CPC "
                           "indicators were listed as a topic in the annual dialogue agenda "
                           "and in discussion-question documents the TIP Office prepared in "
                           "advance of the meetings with Peru, Colombia and Côte d'Ivoire.",
            "evidence": "The annual dialogue agendas listing CPC indicators as a topic, and "
                        "the discussion-question documents the TIP Office prepared in advance "
                        "of the meetings with Peru, Colombia and Côte d'Ivoire, as GAO cites "
                        "them.",
        },
    },
    {
        "number": 2,
        "text": "Discuss indicator data with each partner government at each annual "
                "dialogue. (Paraphrased.)",
        "action": {
            "period": DIALOGUES,
            "description": "CPC indicators were a topic of discussion at the annual dialogues "
                           f"with Colombia, Peru and Côte d'Ivoire ({DIALOGUES}).",
            "evidence": "GAO's account of the annual dialogues with Colombia, Peru and Côte "
                        "d'Ivoire, at which CPC indicators were a topic of discussion.",
        },
    },
    {
        "number": 3,
        "text": "Set annual targets for the performance indicators of each compact. "
                "(Paraphrased.)",
        "action": {
            "period": f"By the annual dialogues of {DIALOGUES}",
            "description": "The TIP Office eliminated the CPC reporting template; indicator "
                           "targets are instead established as part of the annual dialogue "
                           "discussions.",
            "evidence": "The discussion agendas on indicators of the three dialogues with "
                        "Colombia, Peru and Côte d'Ivoire, which included annual targets, as "
                        "GAO cites them.",
        },
    },
    {
        "number": 4,
        "text": "Reference the need for indicator targets in the program's guidance "
                "documents. (Paraphrased.)",
        "concurrence": "State concurred (letter of October 2023).",
        "status": "open",
        "status_reported": "May 2025",
        "status_note": "As of November 2024 the TIP Office's guidance did not mention targets; "
                       "in December 2024 the TIP Office said it would revise it; in May 2025 "
                       "GAO asked State for an update.",
        "action": {
            "period": "December 2024",
            "description": "The TIP Office told GAO it would revise its guidance to reference "
                           "the need for indicator targets.",
            "evidence": "The TIP Office's statement to GAO of December 2024, as reported in "
                        "GAO's status update; no revised guidance is cited.",
        },
    },
    {
        "number": 5,
        "text": "Track each partner government's contributions to its compact annually. "
                "(Paraphrased.)",
        "action": {
            "period": DIALOGUES,
            "description": "The TIP Office discussed the partner countries' contributions at "
                           "the annual dialogues with Colombia, Peru and Côte d'Ivoire.",
            "evidence": "GAO's account of the three dialogues (2024 and 2025), at which the "
                        "TIP Office discussed the partner countries' contributions.",
        },
    },
    {
        "number": 6,
        "text": "Discuss sustainability measures with each partner government at each "
                "annual dialogue. (Paraphrased.)",
        "action": {
            "period": DIALOGUES,
            "description": "Sustainability was a topic of discussion at the annual dialogues "
                           "with Colombia, Peru and Côte d'Ivoire.",
            "evidence": "The summaries of the annual dialogues with Colombia, Peru and Côte "
                        "d'Ivoire, which noted that sustainability was a topic of discussion, "
                        "as GAO cites them.",
        },
    },
]

# What the earlier 0002 loaded, word for word: a row still holding it is corrected.
D = dt.date
EARLIER_DIALOGUES = ("the September 2024–January 2025 annual dialogues with Colombia, Peru and "
                     "Côte d'Ivoire")
EARLIER_CLOSED_AS_OF = D(2025, 5, 1)
EARLIER_CLOSED_NOTE = (
    f"GAO closed the recommendation as implemented, citing the actions of {EARLIER_DIALOGUES}. "
    "Status as of GAO's last public update (May 2025; the day is not public, 1 May is "
    "recorded)."
)
EARLIER_FOUR_NOTE = (
    "As of November 2024 the TIP Office's guidance did not mention targets; in "
    "December 2024 the TIP Office said it would revise it; in May 2025 GAO asked "
    "State for an update (the day is not public, 1 May is recorded)."
)
EARLIER_DIALOGUE_DATE = D(2025, 1, 31)
EARLIER_FOUR_DATE = D(2024, 12, 1)
EARLIER_ACTIONS = {
    1: "The TIP Office identified key indicators before {dialogues}: it keeps 7–8 standard "
       "indicators as a starting point for each compact and treats them as the key "
       "indicators.",
    2: "Indicator data were discussed with the partner governments at {dialogues}.",
    3: "The TIP Office set indicator targets during {dialogues}, in place of the reporting "
       "template it dropped.",
    4: "The TIP Office told GAO it would revise its guidance to reference the need for "
       "indicator targets (December 2024; the day is not public, 1 December is recorded).",
    5: "Partner-government contributions were discussed and tracked at {dialogues}.",
    6: "Sustainability measures were discussed with the partner governments at {dialogues}.",
}


def _history(Historical, instance, history_type, reason, now):
    fields = [f.attname for f in type(instance)._meta.concrete_fields]
    Historical.objects.create(**{name: getattr(instance, name) for name in fields},
                              history_date=now, history_type=history_type,
                              history_change_reason=reason)


def _status(spec) -> dict:
    return {"status": spec.get("status", "closed_implemented"), "status_as_of": None,
            "status_reported": spec.get("status_reported", CLOSED_REPORTED),
            "status_note": spec.get("status_note", CLOSED_NOTE)}


def _loaded_earlier(recommendation, number) -> bool:
    if number == 4:
        return (recommendation.status == "open"
                and recommendation.status_as_of == EARLIER_CLOSED_AS_OF
                and recommendation.status_note == EARLIER_FOUR_NOTE)
    return (recommendation.status == "closed_implemented"
            and recommendation.status_as_of == EARLIER_CLOSED_AS_OF
            and recommendation.status_note == EARLIER_CLOSED_NOTE)


def load(apps, schema_editor):
    """Load the record where it is missing; correct what the earlier 0002 loaded."""
    Recommendation = apps.get_model("oversight", "GaoRecommendation")
    Action = apps.get_model("oversight", "GaoAgencyAction")
    HistoricalRecommendation = apps.get_model("oversight", "HistoricalGaoRecommendation")
    HistoricalAction = apps.get_model("oversight", "HistoricalGaoAgencyAction")
    now = timezone.now()
    for spec in RECORD:
        number = spec["number"]
        recommendation = Recommendation.objects.filter(number=number).first()
        if recommendation is None:
            recommendation = Recommendation.objects.create(
                number=number, text=spec["text"],
                concurrence=spec.get("concurrence", "State concurred."), **_status(spec))
            _history(HistoricalRecommendation, recommendation, "+", SOURCE, now)
            action = Action.objects.create(recommendation=recommendation, date=None,
                                           **spec["action"])
            _history(HistoricalAction, action, "+", SOURCE, now)
            continue
        if _loaded_earlier(recommendation, number):
            for name, value in _status(spec).items():
                setattr(recommendation, name, value)
            recommendation.save()
            _history(HistoricalRecommendation, recommendation, "~", CORRECTION, now)
        earlier = Action.objects.filter(
            recommendation=recommendation, recorded_by=None,
            date=EARLIER_FOUR_DATE if number == 4 else EARLIER_DIALOGUE_DATE,
            description=EARLIER_ACTIONS[number].format(dialogues=EARLIER_DIALOGUES))
        for action in earlier:
            action.date = None
            for name, value in spec["action"].items():
                setattr(action, name, value)
            action.save()
            _history(HistoricalAction, action, "~", CORRECTION, now)


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0005_undated_status_and_actions"),
    ]

    # Backwards there is nothing to undo: the earlier record invented what this one leaves
    # out, and the tables go with 0001.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
