"""Formerly loaded GAO's public record of GAO-23-105390's six recommendations; it now loads
nothing.

The version of this migration that databases created before 0006 ran recorded things GAO's
public record does not say: a closure on 1 May 2025 for recommendations 1, 2, 3, 5 and 6, one
blanket evidence text for their five actions dated 31 January 2025, and first-of-the-month
days for recommendation 4. ``0006_gao_public_record_as_told`` loads the record as GAO tells
it on a fresh database, and corrects, with a reason in each row's history, a database this
migration loaded earlier; both end with the same record. Kept, empty, so that the migration
graph of existing databases is unchanged.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_gao_recommendation_record"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
