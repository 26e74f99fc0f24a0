"""The migration that stamps when a dialogue's sustainability discussion was recorded takes,
for the dialogues recorded before, the time their current flag and notes first appear in the
dialogue's history (the last save when the history does not show it)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("dialogues", "0010_discussion_recorded_at_default")]
AFTER = [("dialogues", "0011_dialogue_sustainability_recorded_at")]
NOTES = "The ministry keeps the shelter budget line after the compact."


def moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_existing_sustainability_discussions_take_their_time_from_the_history(ghana_compact,
                                                                              peru_compact):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Dialogue = apps.get_model("dialogues", "Dialogue")
    History = apps.get_model("dialogues", "HistoricalDialogue")

    def dialogue(compact, fiscal_year, **fields):
        return Dialogue.objects.create(compact_id=compact.pk, fiscal_year=fiscal_year,
                                       scheduled_for=dt.date(fiscal_year - 1, 11, 15),
                                       held_on=dt.date(fiscal_year - 1, 11, 15),
                                       status="held", **fields)

    def version(row, day, **fields):
        values = Dialogue.objects.filter(pk=row.pk).values().get() | fields
        History.objects.create(**values, history_date=moment(day), history_type="~")

    # Logged on the day after the dialogue; only blanks and the summary changed later.
    logged = dialogue(ghana_compact, 2026, sustainability_discussed=True,
                      sustainability_notes=NOTES + "\n", summary="Summary.")
    version(logged, dt.date(2025, 11, 15), sustainability_discussed=False,
            sustainability_notes="", summary="")
    version(logged, dt.date(2025, 11, 16), sustainability_notes=NOTES, summary="")
    version(logged, dt.date(2025, 12, 20))
    # Notes rewritten a year later: the rewrite is what stands.
    rewritten = dialogue(ghana_compact, 2025, sustainability_discussed=True,
                         sustainability_notes=NOTES)
    version(rewritten, dt.date(2024, 11, 16), sustainability_notes="Budget line discussed.")
    version(rewritten, dt.date(2025, 12, 1))
    # No history of it at all: its last save.
    unknown = dialogue(peru_compact, 2026, sustainability_discussed=True,
                       sustainability_notes=NOTES)
    never = dialogue(peru_compact, 2025)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    # The rest of the suite expects every migration applied again.
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())

    from dialogues.models import Dialogue as Current

    def stamp(row):
        return Current.objects.get(pk=row.pk).sustainability_recorded_at

    assert stamp(logged) == moment(dt.date(2025, 11, 16))
    assert stamp(rewritten) == moment(dt.date(2025, 12, 1))
    assert stamp(unknown) == Current.objects.get(pk=unknown.pk).updated_at
    assert stamp(never) is None
