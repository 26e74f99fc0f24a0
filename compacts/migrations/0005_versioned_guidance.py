"""Guidance becomes a versioned document: the date it takes effect (renamed from
``effective_on``), an optional end, the document file and the quoted passage on targets.

Check 4 now reads the passage, not a yes/no flag, so ``requires_targets`` goes. No passage is
invented for the records that had the flag: their summary says the flag was set, and the
check stays not met until staff quote the passage and attach the document.
"""

from django.db import migrations, models

import cpc.storage

NOTE = ("Recorded before guidance was versioned, as requiring indicator targets; quote the "
        "passage and attach the document for check 4 to count it.")


def note_the_old_flag(apps, schema_editor):
    GuidanceDocument = apps.get_model("compacts", "GuidanceDocument")
    for guidance in GuidanceDocument.objects.filter(requires_targets=True):
        guidance.summary = f"{guidance.summary}\n\n{NOTE}".strip()
        guidance.save(update_fields=["summary"])


class Migration(migrations.Migration):
    dependencies = [
        ("compacts", "0004_partner_planned_not_reported"),
    ]

    operations = [
        migrations.RenameField("guidancedocument", "effective_on", "effective_from"),
        migrations.RenameField("historicalguidancedocument", "effective_on", "effective_from"),
        migrations.AlterModelOptions(
            name='guidancedocument',
            options={'ordering': ['-effective_from', '-pk']},
        ),
        migrations.AddField(
            model_name='guidancedocument',
            name='document',
            field=models.FileField(blank=True, help_text='The guidance as issued. Stored privately; served only to signed-in roles.', max_length=255, storage=cpc.storage.private_storage, upload_to='guidance/%Y/%m/'),
        ),
        migrations.AddField(
            model_name='guidancedocument',
            name='effective_to',
            field=models.DateField(blank=True, help_text='Last day in force, only when the version was withdrawn without a successor; a later version ends this one the day before it takes effect.', null=True),
        ),
        migrations.AddField(
            model_name='guidancedocument',
            name='targets_passage',
            field=models.TextField(blank=True, help_text='The passage of this version that references the need for indicator targets, quoted word for word. Leave empty when the guidance has none.', verbose_name='passage on targets'),
        ),
        migrations.AddField(
            model_name='historicalguidancedocument',
            name='document',
            field=models.TextField(blank=True, help_text='The guidance as issued. Stored privately; served only to signed-in roles.', max_length=255),
        ),
        migrations.AddField(
            model_name='historicalguidancedocument',
            name='effective_to',
            field=models.DateField(blank=True, help_text='Last day in force, only when the version was withdrawn without a successor; a later version ends this one the day before it takes effect.', null=True),
        ),
        migrations.AddField(
            model_name='historicalguidancedocument',
            name='targets_passage',
            field=models.TextField(blank=True, help_text='The passage of this version that references the need for indicator targets, quoted word for word. Leave empty when the guidance has none.', verbose_name='passage on targets'),
        ),
        migrations.AlterField(
            model_name='guidancedocument',
            name='effective_from',
            field=models.DateField(help_text='The day this version takes effect.'),
        ),
        migrations.AlterField(
            model_name='historicalguidancedocument',
            name='effective_from',
            field=models.DateField(help_text='The day this version takes effect.'),
        ),
        migrations.RunPython(note_the_old_flag, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='guidancedocument',
            name='requires_targets',
        ),
        migrations.RemoveField(
            model_name='historicalguidancedocument',
            name='requires_targets',
        ),
        migrations.AddConstraint(
            model_name='guidancedocument',
            constraint=models.CheckConstraint(condition=models.Q(('effective_to__isnull', True), ('effective_to__gte', models.F('effective_from')), _connector='OR'), name='guidance_ends_after_start', violation_error_message='A version cannot end before it takes effect.'),
        ),
    ]
