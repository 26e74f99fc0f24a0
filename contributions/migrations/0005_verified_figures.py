"""A verification records the figures it covers (see Contribution.VERIFIED_FIGURES).

Contributions verified before this records had no such record: their current figures are
the ones verified (any change since withdrew the verification), so they are recorded as
such before the constraint that holds a verification to its figures is added.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def record_figures_of_standing_verifications(apps, schema_editor):
    Contribution = apps.get_model("contributions", "Contribution")
    Contribution.objects.filter(verified=True).update(
        verified_amount_usd=F("amount_usd"), verified_amount_local=F("amount_local"),
        verified_currency=F("currency"), verified_personnel_count=F("personnel_count"))


class Migration(migrations.Migration):

    dependencies = [
        ('compacts', '0006_upload_checks'),
        ('contributions', '0004_upload_checks'),
        ('dialogues', '0006_targetproposal'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='contribution',
            name='verified_amount_local',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=18, null=True),
        ),
        migrations.AddField(
            model_name='contribution',
            name='verified_amount_usd',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name='contribution',
            name='verified_currency',
            field=models.CharField(blank=True, editable=False, max_length=3),
        ),
        migrations.AddField(
            model_name='contribution',
            name='verified_personnel_count',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='historicalcontribution',
            name='verified_amount_local',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=18, null=True),
        ),
        migrations.AddField(
            model_name='historicalcontribution',
            name='verified_amount_usd',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name='historicalcontribution',
            name='verified_currency',
            field=models.CharField(blank=True, editable=False, max_length=3),
        ),
        migrations.AddField(
            model_name='historicalcontribution',
            name='verified_personnel_count',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(record_figures_of_standing_verifications,
                             migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='contribution',
            constraint=models.CheckConstraint(condition=models.Q(('verified', False), models.Q(('verified_amount_usd', models.F('amount_usd')), ('verified_amount_local', models.F('amount_local')), ('verified_currency', models.F('currency')), models.Q(models.Q(('personnel_count__isnull', True), ('verified_personnel_count__isnull', True)), ('verified_personnel_count', models.F('personnel_count')), _connector='OR')), _connector='OR'), name='contribution_verified_figures_current', violation_error_message='A verification stands for the figures it recorded; these figures differ, so verify the contribution again.'),
        ),
    ]
