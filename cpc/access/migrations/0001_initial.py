import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    """The records version, moved from compacts in state only: its table
    (compacts_recordsversion, created by compacts' own migrations) stays as it is."""

    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RecordsVersion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("number", models.BigIntegerField(default=0)),
                        ("epoch", models.UUIDField(default=uuid.uuid4, editable=False)),
                    ],
                    options={
                        "verbose_name": "records version",
                        "db_table": "compacts_recordsversion",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
