"""Load the standard indicator library (the project's own list; the program's is not public)."""

from django.db import migrations


def load(apps, schema_editor):
    from indicators.standard_library import load_library

    load_library(apps.get_model("indicators", "StandardIndicator"))


def unload(apps, schema_editor):
    from indicators.standard_library import STANDARD_INDICATORS

    StandardIndicator = apps.get_model("indicators", "StandardIndicator")
    StandardIndicator.objects.filter(
        code__in=[spec["code"] for spec in STANDARD_INDICATORS], indicators__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
