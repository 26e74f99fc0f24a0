from django.db import migrations


def content_type_follows(apps, schema_editor):
    """The model's content type (and so its permissions) moves with it."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="access", model="recordsversion").exists():
        ContentType.objects.filter(app_label="compacts", model="recordsversion").update(
            app_label="access")


def content_type_returns(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="compacts", model="recordsversion").exists():
        ContentType.objects.filter(app_label="access", model="recordsversion").update(
            app_label="compacts")


class Migration(migrations.Migration):
    """The records version now belongs to cpc.access (access/0001_initial): state only, the
    table stays."""

    dependencies = [
        ("compacts", "0018_guidance_one_version_per_day"),
        ("access", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RecordsVersion")],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_returns),
    ]
