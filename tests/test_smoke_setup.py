from django.contrib.auth.models import Group

from cpc.access.roles import ROLES


def test_role_groups_exist_after_migrate(db):
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)
