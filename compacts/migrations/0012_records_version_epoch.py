import uuid

from django.db import migrations, models


def new_epoch_for_each_row(apps, schema_editor):
    # Each database gets an epoch of its own: a default computed once would give every row
    # of a migrate run the same value, and this is what tells databases apart.
    RecordsVersion = apps.get_model("compacts", "RecordsVersion")
    for row in RecordsVersion.objects.all():
        row.epoch = uuid.uuid4()
        row.save(update_fields=["epoch"])


class Migration(migrations.Migration):

    dependencies = [
        ("compacts", "0011_compact_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordsversion",
            name="epoch",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(new_epoch_for_each_row, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="recordsversion",
            name="epoch",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
    ]
