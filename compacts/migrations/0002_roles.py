"""Create the three role groups with their permissions (see cpc/access/roles.py)."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from cpc.access.roles import sync_roles

    sync_roles(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["tip_staff", "embassy_officer", "auditor"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("compacts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
