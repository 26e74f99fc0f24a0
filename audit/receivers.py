"""Signal receivers that write the auth events: Django's sign-in signals, django-axes'
lockout, ``cpc.signals`` (second factor, API tokens, year unlocks, sent by the apps that know
the event), and changes of roles (a user's groups) and scope (a profile's countries and
implementers). Connected in ``AuditConfig.ready``."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed

from compacts.models import PartnerCountry, UserProfile
from cpc import signals

from .events import acting_username, record
from .models import AuthEventKind


def _method(request) -> dict:
    """Password, or federated sign-in through the issuer the request names."""
    issuer = getattr(request, signals.SIGN_IN_METHOD, "") if request is not None else ""
    return {"method": "federated", "issuer": issuer} if issuer else {"method": "password"}


def _logged_in(sender, request, user, **kwargs):
    record(AuthEventKind.LOGIN, user=user, request=request,
           detail={**_method(request), "backend": getattr(user, "backend", "") or ""})


def _login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get(get_user_model().USERNAME_FIELD) or (
        credentials or {}).get("username", "")
    user = get_user_model()._default_manager.filter(
        **{get_user_model().USERNAME_FIELD: username}).first() if username else None
    record(AuthEventKind.LOGIN_FAILED, user=user, username=username, request=request)


def _federated_refused(sender, username, reason, issuer="", request=None, **kwargs):
    user = get_user_model()._default_manager.filter(
        **{get_user_model().USERNAME_FIELD: username}).first() if username else None
    record(AuthEventKind.LOGIN_FAILED, user=user, username=username, request=request,
           detail={"method": "federated", "issuer": issuer, "reason": reason})


def _logged_out(sender, request, user, **kwargs):
    record(AuthEventKind.LOGOUT, user=user, request=request)


def _locked_out(sender, request, username, ip_address, **kwargs):
    user = get_user_model()._default_manager.filter(
        **{get_user_model().USERNAME_FIELD: username}).first() if username else None
    record(AuthEventKind.LOCKED_OUT, user=user, username=username or "", request=request,
           detail={"ip_address": ip_address or ""})


def _device_name(device) -> dict:
    if device is None:
        return {}
    return {"device": type(device).__name__, "device_name": getattr(device, "name", "") or ""}


def _mfa_enrolled(sender, user, request=None, device=None, **kwargs):
    record(AuthEventKind.MFA_ENROLLED, user=user, request=request, detail=_device_name(device))


def _mfa_removed(sender, user, request=None, device=None, **kwargs):
    record(AuthEventKind.MFA_REMOVED, user=user, request=request,
           detail={**_device_name(device), "by": acting_username(request)})


def _mfa_failed(sender, user, request=None, **kwargs):
    record(AuthEventKind.MFA_FAILED, user=user, request=request)


def _token_created(sender, user, request=None, **kwargs):
    record(AuthEventKind.TOKEN_CREATED, user=user, request=request)


def _token_revoked(sender, user, request=None, reason="", **kwargs):
    record(AuthEventKind.TOKEN_REVOKED, user=user, request=request,
           detail={"reason": reason or "revoked"})


def _year_unlocked(sender, compact, user, fiscal_year, reason="", request=None, **kwargs):
    record(AuthEventKind.YEAR_UNLOCKED, user=user, request=request,
           detail={"compact": compact.pk, "compact_title": str(compact),
                   "fiscal_year": fiscal_year, "reason": reason})


def _names(model, pks) -> list[str]:
    """Groups and implementers by name, countries by ISO code."""
    if not pks:
        return []
    field = "iso_code" if model is PartnerCountry else "name"
    return sorted(str(v) for v in model._default_manager.filter(pk__in=pks)
                  .values_list(field, flat=True))


def _m2m_event(*, kind, what, user_of, instance, action, reverse, model, pk_set):
    """One event per account whose roles or scope changed; ``action`` is post_add,
    post_remove or pre_clear (a clear names what it removes before it goes)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    verb = {"post_add": "added", "post_remove": "removed", "pre_clear": "cleared"}[action]
    if not reverse:
        owner = instance
        if action == "pre_clear":
            pk_set = set(getattr(instance, what).values_list("pk", flat=True))
        if not pk_set:
            return
        owners, names = [owner], _names(model, pk_set)
    else:  # ``group.user_set.add(user)``: ``instance`` is the group, pk_set the owners
        if action == "pre_clear":
            pk_set = set(getattr(instance, _reverse_accessor(instance, what))
                         .values_list("pk", flat=True))
        owners = list(model._default_manager.filter(pk__in=pk_set or ()))
        names = [getattr(instance, "name", None) or str(instance)]
    by = acting_username()
    for owner in owners:
        user = user_of(owner)
        record(kind, user=user, detail={"field": what, verb: names, "by": by})


def _reverse_accessor(instance, what: str) -> str:
    return {"groups": "user_set", "countries": "profiles",
            "implementers": "profiles"}[what]


def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    _m2m_event(kind=AuthEventKind.ROLE_CHANGED, what="groups", user_of=lambda user: user,
               instance=instance, action=action, reverse=reverse, model=model, pk_set=pk_set)


def _scope_changed(what):
    def receiver(sender, instance, action, reverse, model, pk_set, **kwargs):
        _m2m_event(kind=AuthEventKind.SCOPE_CHANGED, what=what,
                   user_of=lambda profile: profile.user, instance=instance, action=action,
                   reverse=reverse, model=model, pk_set=pk_set)
    return receiver


_scope_receivers = {what: _scope_changed(what) for what in ("countries", "implementers")}


def connect() -> None:
    uid = "audit-auth-event-"
    user_logged_in.connect(_logged_in, dispatch_uid=uid + "login")
    user_login_failed.connect(_login_failed, dispatch_uid=uid + "login-failed")
    signals.federated_sign_in_refused.connect(_federated_refused,
                                              dispatch_uid=uid + "federated-refused")
    user_logged_out.connect(_logged_out, dispatch_uid=uid + "logout")
    user_locked_out.connect(_locked_out, dispatch_uid=uid + "locked-out")
    signals.mfa_enrolled.connect(_mfa_enrolled, dispatch_uid=uid + "mfa-enrolled")
    signals.mfa_removed.connect(_mfa_removed, dispatch_uid=uid + "mfa-removed")
    signals.mfa_failed.connect(_mfa_failed, dispatch_uid=uid + "mfa-failed")
    signals.token_created.connect(_token_created, dispatch_uid=uid + "token-created")
    signals.token_revoked.connect(_token_revoked, dispatch_uid=uid + "token-revoked")
    signals.year_unlocked.connect(_year_unlocked, dispatch_uid=uid + "year-unlocked")
    m2m_changed.connect(_groups_changed, sender=get_user_model().groups.through,
                        dispatch_uid=uid + "groups")
    for what, receiver in _scope_receivers.items():
        m2m_changed.connect(receiver, sender=getattr(UserProfile, what).through,
                            dispatch_uid=uid + what)
