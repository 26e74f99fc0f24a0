"""Who may reach what: the access review (every account with its roles, countries,
implementers, last sign-in and second-factor state) and the history of identities (users,
groups, profiles), for TIP staff and auditors."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.mfa import has_second_factor
from compacts.models import Implementer, PartnerCountry, UserProfile
from cpc.access.roles import ROLE_LABELS, ROLES

from .display import Names, field_label

# A second factor as the CSV states it, and as the page names it.
MFA_ENROLLED, MFA_NONE = "enrolled", "none"
MFA_LABELS = {MFA_ENROLLED: pgettext_lazy("second factor", "Enrolled"),
              MFA_NONE: pgettext_lazy("second factor", "None")}


def _mfa_state(user) -> str:
    """"enrolled" (a confirmed second factor) or "none"."""
    return MFA_ENROLLED if has_second_factor(user) else MFA_NONE


@dataclass
class AccessRow:
    username: str
    name: str
    email: str
    active: bool
    staff: bool
    superuser: bool
    roles: list[str]
    countries: list[str]
    implementers: list[str]
    last_login: dt.datetime | None
    mfa: str
    date_joined: dt.datetime

    @property
    def mfa_label(self) -> str:
        return str(MFA_LABELS.get(self.mfa, self.mfa))

    @property
    def role_labels(self) -> list[str]:
        return [str(ROLE_LABELS.get(role, role)) for role in self.roles]


CSV_HEADER = ["username", "name", "email", "active", "admin_access", "superuser", "roles",
              "countries", "implementers", "last_sign_in", "mfa", "date_joined"]


def access_review_rows() -> list[AccessRow]:
    """Every account, by username. Four queries whatever the number of accounts, plus the
    second-factor lookups once django-otp is installed."""
    users = (get_user_model().objects.order_by("username")
             .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")),
                               Prefetch("profile", queryset=UserProfile.objects
                                        .prefetch_related("countries", "implementers"))))
    rows = []
    for user in users:
        profile = getattr(user, "profile", None)
        roles = [g.name for g in user.groups.all() if g.name in ROLES]
        if user.is_superuser:
            roles.append(_("superuser"))
        rows.append(AccessRow(
            username=user.get_username(), name=user.get_full_name(), email=user.email,
            active=user.is_active, staff=user.is_staff, superuser=user.is_superuser,
            roles=roles,
            countries=sorted(c.iso_code.code for c in profile.countries.all()) if profile else [],
            implementers=sorted(i.name for i in profile.implementers.all()) if profile else [],
            last_login=user.last_login, mfa=_mfa_state(user), date_joined=user.date_joined))
    return rows


def access_review_csv_row(row: AccessRow) -> list:
    return [row.username, row.name, row.email, "yes" if row.active else "no",
            "yes" if row.staff else "no", "yes" if row.superuser else "no",
            "; ".join(row.roles), "; ".join(row.countries), "; ".join(row.implementers),
            row.last_login.isoformat() if row.last_login else "", row.mfa,
            row.date_joined.isoformat()]


# The history of identities ------------------------------------------------------------------

IDENTITY_MODELS = {"user": get_user_model, "group": lambda: Group,
                   "profile": lambda: UserProfile}


@dataclass
class IdentityEntry:
    kind: str
    date: dt.datetime
    action: str
    subject: str
    user: str | None
    reason: str | None
    changes: list[tuple[str, str, str]]


def _subject(kind: str, row) -> str:
    if kind == "user":
        return row.username
    if kind == "group":
        return _("role %(name)s") % {"name": ROLE_LABELS.get(row.name, row.name)}
    return _("profile of %(user)s") % {"user": getattr(row.user, "username", row.user_id)}


# Many-to-many fields of the identity histories: the names their ids stand for.
M2M_NAMES = {"groups": lambda: {pk: ROLE_LABELS.get(name, name) for pk, name in
                                Group.objects.values_list("pk", "name")},
             "countries": lambda: {pk: str(iso) for pk, iso in
                                   PartnerCountry.objects.values_list("pk", "iso_code")},
             "implementers": lambda: dict(Implementer.objects.values_list("pk", "name"))}


# The labels of the many-to-many fields (a role is a group); other fields go by their own.
M2M_LABELS = {"groups": gettext_lazy("Roles"), "countries": gettext_lazy("Countries"),
              "implementers": gettext_lazy("Implementers"),
              "user_permissions": gettext_lazy("Permissions"),
              "permissions": gettext_lazy("Permissions")}


def _model_field(row, field: str):
    try:
        return row.instance_type._meta.get_field(field)
    except FieldDoesNotExist:  # a column the model no longer has
        return None


def _label(row, field: str) -> str:
    if field in M2M_LABELS:
        return str(M2M_LABELS[field])
    column = _model_field(row, field)
    return field_label(column) if column is not None else field


def _plain(field: str, value, names: dict) -> str:
    if isinstance(value, list):  # many-to-many: one dict per link, the related id last
        if field not in names and field in M2M_NAMES:
            names[field] = M2M_NAMES[field]()
        known = names.get(field, {})
        shown = sorted(str(known.get(ref, ref)) for ref in
                       (list(link.values())[-1] for link in value if isinstance(link, dict)))
        return ", ".join(shown) or "—"
    return "—" if value in (None, "") else str(value)[:300]


def _shown(row, field: str, value, names: dict, values: Names) -> str:
    """A many-to-many change by the names of its links; any other by ``Names`` (labels
    of choices, names behind foreign keys, dates and yes/no in the reader's language)."""
    column = _model_field(row, field)
    if isinstance(value, list) or column is None:
        return _plain(field, value, names)
    return values.show(column, value)


def identity_entries(*, limit: int, offset: int = 0) -> tuple[list[IdentityEntry], int]:
    """The latest changes to users, groups and profiles, newest first, with what changed
    (roles, countries and implementers included)."""
    from .history import ACTIONS

    newest = []
    total = 0
    for kind, model in IDENTITY_MODELS.items():
        history = model().history.model.objects
        total += history.count()
        newest += [(kind, row) for row in history.select_related("history_user")
                   .order_by("-history_date", "-history_id")[:offset + limit]]
    newest.sort(key=lambda pair: (pair[1].history_date, pair[1].history_id), reverse=True)
    entries, names, values = [], {}, Names()
    deltas = []
    for kind, row in newest[offset:offset + limit]:
        changes = []
        previous = row.prev_record
        if previous is not None and row.history_type == "~":
            changes = row.diff_against(previous, foreign_keys_are_objs=False).changes
        for change in changes:
            column = _model_field(row, change.field)
            if column is not None:
                values.want(column, change.old)
                values.want(column, change.new)
        deltas.append((kind, row, changes))
    values.read()
    for kind, row, changes in deltas:
        entries.append(IdentityEntry(
            kind=kind, date=row.history_date,
            action=str(ACTIONS.get(row.history_type, row.history_type)),
            subject=_subject(kind, row),
            user=row.history_user.get_username() if row.history_user else None,
            reason=_(row.history_change_reason) if row.history_change_reason else None,
            changes=[(_label(row, change.field),
                      _shown(row, change.field, change.old, names, values),
                      _shown(row, change.field, change.new, names, values))
                     for change in changes]))
    return entries, total
