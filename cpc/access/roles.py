"""The four roles, as Django groups, and the model permissions each one holds.

The groups are created by a migration; ``sync_roles`` runs again after every ``migrate`` so
that models added by later migrations get their permissions too. Country scope is not a
permission: see :mod:`cpc.access.scoping`.
"""

from django.contrib.auth.management import create_permissions
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TIP_STAFF = "tip_staff"
EMBASSY_OFFICER = "embassy_officer"
AUDITOR = "auditor"
IMPLEMENTER = "implementer"
ROLES = (TIP_STAFF, EMBASSY_OFFICER, AUDITOR, IMPLEMENTER)
# How the pages name each role (the group's name is its code).
ROLE_LABELS = {
    TIP_STAFF: _("TIP Office staff"),
    EMBASSY_OFFICER: _("embassy officer"),
    AUDITOR: _("auditor"),
    IMPLEMENTER: _("implementer"),
}

PROJECT_APPS = ("compacts", "accounts", "indicators", "dialogues", "contributions", "publishing",
                "oversight", "reports", "notifications", "search", "audit", "workspace")

# What embassy officers may add and change, in their own countries only.
OFFICER_WRITES = {
    "dialogues": ["dialogue", "participant", "discussion", "actionitem"],
    "indicators": ["result"],
    "contributions": ["contribution", "followup"],
}
# What implementers may add and change: results (with their source documents) for the
# indicators of their own organisations' awards only (``cpc.access.scoping.can_record_result``).
IMPLEMENTER_WRITES = {"indicators": ["result"]}
# Auditors change no program data; requesting a report is their one write.
AUDITOR_WRITES = {"reports": ["reportjob"]}


def _codenames(models_by_app: dict[str, list[str]], actions: tuple[str, ...]) -> Q:
    query = Q(pk__in=[])
    for app_label, models in models_by_app.items():
        for model in models:
            query |= Q(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
    return query


def role_permission_query(role: str) -> Q:
    project = Q(content_type__app_label__in=PROJECT_APPS)
    # Auth events are read by staff and auditors alone.
    view = project & Q(codename__startswith="view_") & ~Q(codename="view_authevent")
    if role == TIP_STAFF:
        # Staff add and change everything; the admin deletes nothing (compacts.admin). History
        # and the auth events (audit.AuthEvent, append-only) are read-only for everyone.
        return project & ~Q(codename__regex=r"^(add|change|delete)_(historical|authevent$)")
    if role == EMBASSY_OFFICER:
        return view | _codenames(OFFICER_WRITES, ("add", "change"))
    if role == AUDITOR:
        return view | Q(codename="view_authevent") | _codenames(AUDITOR_WRITES, ("add",))
    if role == IMPLEMENTER:
        return view | _codenames(IMPLEMENTER_WRITES, ("add", "change"))
    raise ValueError(role)


def sync_roles(apps) -> None:
    """Create the role groups and give each exactly its permissions (idempotent)."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(role_permission_query(role)))


def sync_roles_after_migrate(sender, **kwargs) -> None:
    """post_migrate runs per app after its permissions exist; re-sync after each of ours."""
    if sender.name not in PROJECT_APPS:
        return
    from django.apps import apps

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(role_permission_query(role)))
