from django.db import migrations, models


def _said(discussed, notes):
    return bool(discussed), " ".join((notes or "").split())


def backfill(apps, schema_editor):
    """Dialogues from before the stamp: their sustainability discussion was recorded when its
    current flag and notes first appear in the dialogue's history (the last save, when the
    history does not go back that far)."""
    Dialogue = apps.get_model("dialogues", "Dialogue")
    History = apps.get_model("dialogues", "HistoricalDialogue")
    recorded = Dialogue.objects.exclude(sustainability_discussed=False,
                                        sustainability_notes="")
    for dialogue in recorded.iterator():
        current = _said(dialogue.sustainability_discussed, dialogue.sustainability_notes)
        since = None
        versions = (History.objects.filter(id=dialogue.pk)
                    .order_by("history_date", "history_id")
                    .values_list("history_date", "sustainability_discussed",
                                 "sustainability_notes"))
        for moment, discussed, notes in versions:
            if _said(discussed, notes) != current:
                since = None
            elif since is None:
                since = moment
        Dialogue.objects.filter(pk=dialogue.pk).update(
            sustainability_recorded_at=since or dialogue.updated_at)


class Migration(migrations.Migration):

    dependencies = [
        ('dialogues', '0010_discussion_recorded_at_default'),
    ]

    operations = [
        migrations.AddField(
            model_name='dialogue',
            name='sustainability_recorded_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='historicaldialogue',
            name='sustainability_recorded_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
