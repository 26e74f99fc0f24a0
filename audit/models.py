"""The audit trail's own records: sign-in events (``AuthEvent``), append-only, and the
history of identities (users and groups, with their roles and permissions), kept by
django-simple-history like every record of the program.

The profile's countries and implementers (``compacts.UserProfile``) keep their history in the
compacts app (``m2m_fields``); users and groups are Django's, so their history tables live
here (``register(..., app="audit")``).
"""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords

USER_AGENT_MAX_LENGTH = 300
USERNAME_MAX_LENGTH = 150
ERR_APPEND_ONLY = "Auth events are append-only: they are never changed or deleted."


# How the pages label the keys of an event's detail (``detail_lines``), and the coded values
# they name; the backend's dotted path and the device's class say nothing a reader needs.
DETAIL_LABELS = {
    "method": _("Method"),
    "issuer": _("Identity provider"),
    "ip_address": _("Client address"),
    "device_name": _("Device"),
    "compact": _("Compact"),
    "compact_title": _("Compact"),
    "fiscal_year": _("Fiscal year"),
    "field": _("Changed"),
    "added": _("Added"),
    "removed": _("Removed"),
    "cleared": _("Cleared"),
    "reason": _("Reason"),
    "by": _("By"),
}
DETAIL_VALUES = {
    "password": _("Password"),
    "federated": _("Federated sign-in"),
    "password_changed": _("Password changed"),
    "no_account": _("No account with this email"),
    "email_not_verified": _("Email not verified by the provider"),
    "account_deactivated": _("Account deactivated"),
    "account_already_linked": _("Account linked to another identity"),
    "sign_in_failed": _("The provider's answer was refused or did not come"),
    "deactivated": _("Account deactivated"),
    "revoked": _("Revoked"),
    "groups": _("Roles"),
    "countries": _("Countries"),
    "implementers": _("Implementers"),
}
DETAIL_HIDDEN = {"backend", "device"}


class AuthEventKind(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    LOCKED_OUT = "locked_out", _("Locked out")
    MFA_ENROLLED = "mfa_enrolled", _("Second factor enrolled")
    MFA_REMOVED = "mfa_removed", _("Second factor removed")
    MFA_FAILED = "mfa_failed", _("Second-factor code refused")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    YEAR_UNLOCKED = "year_unlocked", _("Fiscal year unlocked")
    ROLE_CHANGED = "role_changed", _("Roles changed")
    SCOPE_CHANGED = "scope_changed", _("Country or implementer scope changed")
    ACCOUNT_DISABLED = "account_disabled", _("Account disabled for inactivity")


class AuthEventQuerySet(models.QuerySet):
    """Rows are added, never changed or removed, through the ORM (a user deleted since only
    loses the link: ``SET_NULL`` runs in the database, the username stays)."""

    def update(self, **kwargs):
        raise PermissionError(ERR_APPEND_ONLY)

    def delete(self):
        raise PermissionError(ERR_APPEND_ONLY)


class AuthEvent(models.Model):
    """One event of signing in or of a person's access: who (the username as typed, and the
    account when there is one), when, from where, and what."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AuthEventKind.choices,
                            db_index=True)
    username = models.CharField(_("username"), max_length=USERNAME_MAX_LENGTH, blank=True)
    # The account the event is about. Never cascade: the trail outlives the account.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="auth_events")
    client_ip = models.CharField(_("client address"), max_length=64, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=USER_AGENT_MAX_LENGTH,
                                  blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuthEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("auth event")
        indexes = [models.Index(fields=["user", "at"], name="auth_event_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(ERR_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(ERR_APPEND_ONLY)

    def detail_lines(self) -> list[tuple[str, str]]:
        """The detail as the pages show it: labelled in the reader's language, values named
        rather than coded; the API gives the stored keys and values unchanged."""
        lines = []
        order = {key: index for index, key in enumerate(DETAIL_LABELS)}
        # A stable order (PostgreSQL's jsonb keeps none): the labels' order, then the rest.
        for key, value in sorted((self.detail or {}).items(),
                                 key=lambda item: (order.get(item[0], len(order)), item[0])):
            if key in DETAIL_HIDDEN or (key == "compact" and "compact_title" in self.detail):
                continue
            if isinstance(value, list):
                value = ", ".join(str(item) for item in value) or "—"
            elif key == "fiscal_year":
                value = _("FY%(year)s") % {"year": value}
            else:
                value = DETAIL_VALUES.get(str(value), value)
            lines.append((DETAIL_LABELS.get(key, key.replace("_", " ")), str(value)))
        return lines


class UserHistoricalRecords(HistoricalRecords):
    """A user's history without a version per sign-in: Django saves ``last_login`` alone at
    every sign-in, which the auth events record instead."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= {"last_login"}:
            return
        super().post_save(instance, created, using=using, **kwargs)


# Who holds which account, active or not, staff or superuser, and in which groups (roles).
# Never the password hash (nor the sign-in time, see above).
register(User, app="audit", records_class=UserHistoricalRecords,
         excluded_fields=["password", "last_login"], m2m_fields=["groups", "user_permissions"],
         user_related_name="+")
# The roles themselves: a group's name and permissions.
register(Group, app="audit", m2m_fields=["permissions"], user_related_name="+")
