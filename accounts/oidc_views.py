"""The two pages of federated sign-in: off to the provider, and back from it."""

from __future__ import annotations

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from joserfc.errors import JoseError

from accounts import oidc_services
from accounts.middleware import second_step_set
from accounts.oidc import (
    SESSION_MFA_VIA,
    SESSION_MFA_VIA_OIDC,
    asserted_mfa,
    id_token_claims_options,
    oidc_client,
    oidc_config,
)
from cpc.signals import SIGN_IN_METHOD, federated_sign_in_refused

log = logging.getLogger(__name__)
# Where to go after signing in, kept in the session between the two pages.
SESSION_NEXT = "accounts_oidc_next"
# The account is found by the model backend's rules (active users only), not authenticate().
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _config_or_404():
    config = oidc_config()
    if config is None:
        raise Http404("Federated sign-in is not configured.")
    return config


@never_cache
@require_GET
def oidc_login(request):
    """Sends the browser to the provider, with a state, a nonce and a PKCE challenge that this
    session keeps."""
    config = _config_or_404()
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = ""
    request.session[SESSION_NEXT] = next_url
    redirect_uri = request.build_absolute_uri(reverse("accounts:oidc-callback"))
    extra = {"acr_values": config.acr_values} if config.acr_values else {}
    try:
        return oidc_client(config).authorize_redirect(request, redirect_uri, **extra)
    except (requests.RequestException, AuthlibBaseError, ValueError, KeyError) as error:
        log.warning("Federated sign-in: the provider's discovery failed: %r", error)
        return _refuse(request, oidc_services.SIGN_IN_FAILED, username="", status=502)


@never_cache
@require_GET
def oidc_callback(request):
    """Back from the provider: the state must be this session's, the code is exchanged with
    private_key_jwt and the PKCE verifier, and the ID token is checked before anyone signs
    in."""
    config = _config_or_404()
    client = oidc_client(config)
    try:
        token = client.authorize_access_token(
            request, claims_options=id_token_claims_options(config))
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub"):  # no ID token, or one without a nonce: not OpenID Connect
            raise JoseError("no ID token in the token response")
        if "email" not in claims or "email_verified" not in claims:
            # Providers that follow the core profile give the email at the userinfo
            # endpoint; it must speak of the same subject as the ID token. The address and
            # its verification are taken together, from one answer.
            userinfo = client.userinfo(token=token)
            if userinfo.get("sub") != claims["sub"]:
                raise JoseError("the userinfo subject is not the ID token's")
            claims["email"] = userinfo.get("email")
            claims["email_verified"] = userinfo.get("email_verified")
    except (requests.RequestException, AuthlibBaseError, JoseError, ValueError,
            KeyError) as error:
        log.warning("Federated sign-in failed: %r", error)
        return _refuse(request, oidc_services.SIGN_IN_FAILED, username="", status=400)

    try:
        user = oidc_services.identity_user(
            issuer=config.issuer, subject=claims["sub"], email=claims.get("email"),
            email_verified=claims.get("email_verified"))
    except oidc_services.FederatedSignInRefused as refused:
        return _refuse(request, refused.reason,
                       username=claims.get("email") or claims["sub"], status=403)

    next_url = request.session.pop(SESSION_NEXT, "")
    setattr(request, SIGN_IN_METHOD, config.issuer)
    login(request, user, backend=BACKEND)  # sends user_logged_in: the audit trail records it
    if asserted_mfa(claims, config):
        # The provider checked a second factor: the app's own second step is not owed.
        request.session[SESSION_MFA_VIA] = SESSION_MFA_VIA_OIDC
        second_step_set(request, "")
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _refuse(request, reason: str, *, username: str, status: int):
    # Not Django's user_login_failed: django-axes would count a provider's outage or a
    # refused identity against "this username from your address" and answer the next
    # refusal with its lockout page, though federated sign-in never asks it.
    config = oidc_config()
    federated_sign_in_refused.send(sender=__name__, username=username, reason=reason,
                                   issuer=config.issuer if config else "", request=request)
    return render(request, "accounts/oidc_refused.html", {
        "reason": reason, "message": oidc_services.REFUSALS[reason],
    }, status=status)
