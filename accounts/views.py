"""The second step of signing in, enrolment of a second factor, and signing in again.

Thin: the rules are in :mod:`accounts.mfa` (devices, codes) and :mod:`cpc.reauth` (how
recent a sign-in must be)."""

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cpc import reauth as reauth_rule

from . import mfa
from .forms import ERR_WRONG_CODE, ERR_WRONG_PASSWORD, CodeForm, ReauthForm
from .middleware import second_step_missing, second_step_set


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def _locked_out(request):
    """Too many failed codes or passwords (django-axes): the session ends, like a refused
    sign-in, and the lockout page answers."""
    username = request.user.get_username()
    logout(request)
    return render(request, "registration/locked_out.html", {
        "username": username, "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_timedelta": settings.AXES_COOLOFF_TIME}, status=429)


def _is_locked(request) -> bool:
    return (getattr(request, "axes_locked_out", False)
            or AxesProxyHandler.is_locked(request, _credentials(request.user)))


def _second_factor_done(request, device) -> None:
    django_otp.login(request, device)
    # A session that now proves more than it did gets a new key (no fixation across steps).
    request.session.cycle_key()
    second_step_set(request, "")
    reauth_rule.stamp(request)


@login_required
def mfa_verify(request):
    """The second step: a code from the authenticator app, or a recovery code."""
    if second_step_missing(request) != "verify":
        return redirect(_next_url(request))
    if _is_locked(request):
        return _locked_out(request)
    form = CodeForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        device = mfa.mfa_check(user=request.user, code=form.cleaned_data["code"],
                               request=request)
        if device is not None:
            _second_factor_done(request, device)
            return redirect(_next_url(request))
        if _is_locked(request):
            return _locked_out(request)
        form.add_error("code", ERR_WRONG_CODE)
    return render(request, "accounts/mfa_verify.html",
                  {"form": form, "next": _next_url(request)}, status=status)


@login_required
def mfa_enrol(request):
    """Scan the QR code (or type the key), confirm with a code, receive ten recovery codes.

    Replacing a confirmed second factor needs a recent sign-in (cpc.reauth); a session that
    still owes its code cannot enrol a device of its own choosing."""
    missing = second_step_missing(request)
    if missing == "verify":
        return redirect(f"{resolve_url('accounts:mfa-verify')}?next={request.path}")
    if (not missing and mfa.has_second_factor(request.user)
            and not reauth_rule.session_is_recent(request)):
        return reauth_rule.reauth_redirect(request)
    if _is_locked(request):
        return _locked_out(request)
    device = mfa.totp_device_pending(user=request.user)
    form = CodeForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_device_confirm(user=request.user, device=device,
                                        code=form.cleaned_data["code"], request=request)
        if codes is not None:
            device.refresh_from_db()  # confirmed by the service
            _second_factor_done(request, device)
            return render(request, "accounts/mfa_recovery_codes.html",
                          {"codes": codes, "next": _next_url(request)})
        if _is_locked(request):
            return _locked_out(request)
        form.add_error("code", ERR_WRONG_CODE)
    return render(request, "accounts/mfa_enrol.html", {
        "form": form, "next": _next_url(request),
        "qr_code": mfa.qr_svg_data_uri(mfa.totp_provisioning_uri(device)),
        "key_text": mfa.totp_key_text(device),
        "replacing": mfa.has_second_factor(request.user),
        "required": mfa.mfa_required(request.user)}, status=status)


@login_required
def mfa_settings(request):
    """The user's second factor: whether they have one, recovery codes left, and the way to
    set up a new one or remove it."""
    return render(request, "accounts/mfa_settings.html", {
        "has_second_factor": mfa.has_second_factor(request.user),
        "recovery_codes_left": mfa.recovery_codes_left(request.user),
        "required": mfa.mfa_required(request.user)})


@require_POST
@login_required
@reauth_rule.reauth_required
def mfa_remove(request):
    mfa.mfa_remove(user=request.user, request=request)
    if mfa.mfa_required(request.user):
        second_step_set(request, "enrol")
    messages.success(request, _("Your second factor was removed."))
    return redirect("accounts:mfa")


@login_required
def reauth(request):
    """Sign in again (password, and a code where the user has a second factor) before an
    action that needs a recent sign-in; then back to where the user was."""
    user = request.user
    needs_code = mfa.has_second_factor(user)
    if _is_locked(request):
        return _locked_out(request)
    form = ReauthForm(request.POST or None, needs_code=needs_code)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        # authenticate() goes through django-axes: a wrong password counts as a failure.
        signed = authenticate(request, username=user.get_username(),
                              password=form.cleaned_data["password"])
        if signed is None or signed.pk != user.pk:
            form.add_error("password", ERR_WRONG_PASSWORD)
        elif needs_code:
            device = mfa.mfa_check(user=user, code=form.cleaned_data["code"], request=request)
            if device is None:
                form.add_error("code", ERR_WRONG_CODE)
            else:
                django_otp.login(request, device)
        if not form.errors:
            reauth_rule.stamp(request)
            return redirect(_next_url(request))
        if _is_locked(request):
            return _locked_out(request)
    return render(request, "accounts/reauth.html", {
        "form": form, "next": _next_url(request), "needs_code": needs_code,
        "minutes": settings.REAUTH_MINUTES}, status=status)
