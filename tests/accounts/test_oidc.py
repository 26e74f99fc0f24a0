"""Federated sign-in (OpenID Connect) against a real provider on loopback.

The provider (panva's oidc-provider, tests/oidc_provider.py) runs for the whole module; the
app's client talks HTTP to it for discovery, keys and the token request. The browser's part
is played by the Django test client on the app's side (or plain HTTP against the live server)
and by ``OIDCProvider.sign_in`` on the provider's side.
"""

from __future__ import annotations

import urllib.parse

import pytest
import requests
from django.contrib.auth.signals import user_logged_in
from django.test import Client

from accounts.models import FederatedIdentity
from accounts.oidc import SESSION_MFA_VIA, oidc_client
from accounts.oidc_services import (
    ACCOUNT_ALREADY_LINKED,
    ACCOUNT_DEACTIVATED,
    EMAIL_NOT_VERIFIED,
    NO_ACCOUNT,
    SIGN_IN_FAILED,
)
from audit.models import AuthEvent, AuthEventKind
from compacts import services
from cpc.access.roles import TIP_STAFF
from cpc.signals import federated_sign_in_refused
from tests.compacts.factories import UserFactory
from tests.oidc_provider import OIDCProvider, client_key_pem

CALLBACK_PATH = "/accounts/oidc/callback/"
STAFF_EMAIL = "oidc.staff@example.gov"
ACCOUNTS = {
    # The provider's addresses in another case than the app's: the match ignores case.
    "sub-staff": {"email": "OIDC.Staff@Example.gov", "email_verified": True},
    "sub-staff-again": {"email": STAFF_EMAIL, "email_verified": True},
    "sub-unverified": {"email": STAFF_EMAIL, "email_verified": False},
    "sub-unknown": {"email": "nobody@example.gov", "email_verified": True},
    "sub-inactive": {"email": "gone@example.gov", "email_verified": True},
}


@pytest.fixture(scope="module")
def client_pem():
    return client_key_pem()


@pytest.fixture(scope="module")
def provider(client_pem):
    server = OIDCProvider(redirect_uris=[f"http://testserver{CALLBACK_PATH}"],
                          accounts=ACCOUNTS, client_pem=client_pem).start()
    yield server
    server.stop()


def configure(settings, provider: OIDCProvider) -> OIDCProvider:
    for name, value in provider.environ("Test IdP").items():
        setattr(settings, name, value)
    settings.OIDC_MFA_ACR_VALUES = ["urn:cpc:test:aal2"]
    oidc_client.cache_clear()
    return provider


@pytest.fixture
def oidc_on(settings, provider, db):
    return configure(settings, provider)


@pytest.fixture
def oidc_staff(db):
    user = UserFactory(username="oidc.staff", email=STAFF_EMAIL)
    services.user_assign_role(user=user, role=TIP_STAFF)
    return user


@pytest.fixture
def signals():
    """The sign-in signals sent during the test (the audit trail receives the same)."""
    sent = {"logged_in": [], "failed": []}

    def on_login(sender, request, user, **kwargs):
        sent["logged_in"].append(user)

    def on_failure(sender, username, request=None, **kwargs):
        sent["failed"].append(({"username": username}, request))

    user_logged_in.connect(on_login, dispatch_uid="test-oidc-login")
    federated_sign_in_refused.connect(on_failure, dispatch_uid="test-oidc-failure")
    yield sent
    user_logged_in.disconnect(dispatch_uid="test-oidc-login")
    federated_sign_in_refused.disconnect(dispatch_uid="test-oidc-failure")


def sign_in(client: Client, provider: OIDCProvider, subject: str, *, amr: str = "",
            acr: str = "", tamper_state: bool = False):
    """The whole round trip: the app's login page for the provider, the provider, back."""
    start = client.get("/accounts/oidc/login/")
    assert start.status_code == 302, start.content[:500]
    back = provider.sign_in(start["Location"], subject, amr=amr, acr=acr)
    parts = urllib.parse.urlsplit(back)
    assert parts.path == CALLBACK_PATH, back
    query = parts.query
    if tamper_state:
        fields = dict(urllib.parse.parse_qsl(query))
        fields["state"] = fields["state"][:-4] + "AAAA"
        query = urllib.parse.urlencode(fields)
    return client.get(f"{CALLBACK_PATH}?{query}")


def test_the_authorization_request_carries_pkce_s256_state_and_nonce(oidc_on, client):
    response = client.get("/accounts/oidc/login/")

    location = urllib.parse.urlsplit(response["Location"])
    params = dict(urllib.parse.parse_qsl(location.query))
    assert response.status_code == 302
    assert location.scheme + "://" + location.netloc == oidc_on.issuer
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43  # base64url of a SHA-256
    assert params["state"] and params["nonce"]
    assert set(params["scope"].split()) == {"openid", "email"}
    assert params["redirect_uri"] == f"http://testserver{CALLBACK_PATH}"


def test_first_sign_in_links_the_account_by_verified_email_and_signs_in(
        oidc_on, oidc_staff, client, signals):
    response = sign_in(client, oidc_on, "sub-staff")

    assert response.status_code == 302
    assert response["Location"] == "/work/"
    assert client.session["_auth_user_id"] == str(oidc_staff.pk)
    assert signals["logged_in"] == [oidc_staff]
    link = FederatedIdentity.objects.get()
    assert (link.issuer, link.subject, link.user) == (oidc_on.issuer, "sub-staff", oidc_staff)
    assert link.last_used is not None
    assert link.history.count() == 1
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "oidc.staff"
    # No second factor asserted by the provider: nothing for the MFA step to rely on.
    assert SESSION_MFA_VIA not in client.session
    # The audit trail says how: federated, through this issuer.
    event = AuthEvent.objects.get(kind=AuthEventKind.LOGIN)
    assert (event.detail["method"], event.detail["issuer"]) == ("federated", oidc_on.issuer)


def test_the_token_request_used_private_key_jwt_and_the_pkce_verifier(
        oidc_on, oidc_staff, client):
    before = len(oidc_on.requests())

    sign_in(client, oidc_on, "sub-staff")

    seen = oidc_on.requests()[before:]
    authorization = [r for r in seen if r["endpoint"] == "auth"]
    token = [r for r in seen if r["endpoint"] == "token"]
    assert authorization and authorization[0]["code_challenge_method"] == "S256"
    assert len(token) == 1
    assert token[0]["status"] == 200
    assert token[0]["client_auth_method"] == "private_key_jwt"
    assert token[0]["client_assertion_type"] == (
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    assert token[0]["code_verifier_sent"] is True


def test_the_provider_refuses_the_client_with_a_secret_instead_of_a_signed_assertion(oidc_on):
    status, body = oidc_on.token_request({
        "grant_type": "authorization_code", "code": "any", "client_id": oidc_on.client_id,
        "client_secret": "a-guessed-secret", "redirect_uri": f"http://testserver{CALLBACK_PATH}",
        "code_verifier": "x" * 43})

    assert status == 401
    assert body["error"] == "invalid_client"


def test_the_provider_refuses_an_authorization_request_without_pkce(oidc_on):
    query = urllib.parse.urlencode({
        "client_id": oidc_on.client_id, "response_type": "code", "scope": "openid email",
        "redirect_uri": f"http://testserver{CALLBACK_PATH}", "state": "s", "nonce": "n"})

    back = oidc_on.sign_in(f"{oidc_on.issuer}/auth?{query}", "sub-staff")

    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(back).query))
    assert params["error"] == "invalid_request"
    assert "PKCE" in params["error_description"]


def test_the_acr_values_asked_for_reach_the_provider(oidc_on, oidc_staff, client, settings):
    settings.OIDC_ACR_VALUES = "urn:cpc:test:aal2"
    before = len(oidc_on.requests())

    response = sign_in(client, oidc_on, "sub-staff", acr="urn:cpc:test:aal2")

    assert response.status_code == 302
    authorization = [r for r in oidc_on.requests()[before:] if r["endpoint"] == "auth"]
    assert authorization[0]["acr_values"] == "urn:cpc:test:aal2"
    assert client.session.get(SESSION_MFA_VIA) == "oidc"


def test_a_second_sign_in_finds_the_account_by_subject_not_email(
        oidc_on, oidc_staff, client):
    sign_in(client, oidc_on, "sub-staff")
    # The account's email changes in the app: the stored subject still finds it.
    oidc_staff.email = "renamed@example.gov"
    oidc_staff.save()
    other = Client()

    response = sign_in(other, oidc_on, "sub-staff")

    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(oidc_staff.pk)
    assert FederatedIdentity.objects.count() == 1


def test_another_identity_with_the_same_email_does_not_take_a_linked_account(
        oidc_on, oidc_staff, client, signals):
    sign_in(Client(), oidc_on, "sub-staff")

    response = sign_in(client, oidc_on, "sub-staff-again")

    assert response.status_code == 403
    assert response.context["reason"] == ACCOUNT_ALREADY_LINKED
    assert "_auth_user_id" not in client.session
    assert FederatedIdentity.objects.get().subject == "sub-staff"


def test_an_unverified_email_is_refused(oidc_on, oidc_staff, client, signals):
    response = sign_in(client, oidc_on, "sub-unverified")

    assert response.status_code == 403
    assert response.context["reason"] == EMAIL_NOT_VERIFIED
    assert b"created by TIP staff" in response.content
    assert "_auth_user_id" not in client.session
    assert not FederatedIdentity.objects.exists()
    assert signals["logged_in"] == []
    credentials, request = signals["failed"][0]
    assert credentials == {"username": STAFF_EMAIL}
    assert request is not None


def test_an_unknown_email_is_refused_with_the_page_that_explains(
        oidc_on, oidc_staff, client, signals):
    response = sign_in(client, oidc_on, "sub-unknown")

    assert response.status_code == 403
    assert response.context["reason"] == NO_ACCOUNT
    assert b"Accounts must be created by TIP staff first" in response.content
    assert "_auth_user_id" not in client.session
    assert not FederatedIdentity.objects.exists()
    assert [c for c, _ in signals["failed"]] == [{"username": "nobody@example.gov"}]
    event = AuthEvent.objects.get(kind=AuthEventKind.LOGIN_FAILED)
    assert (event.username, event.detail) == ("nobody@example.gov", {
        "method": "federated", "issuer": oidc_on.issuer, "reason": NO_ACCOUNT})


def test_a_deactivated_account_is_never_matched_by_email(oidc_on, client):
    UserFactory(username="gone", email="gone@example.gov", is_active=False)

    response = sign_in(client, oidc_on, "sub-inactive")

    assert response.status_code == 403
    assert response.context["reason"] == NO_ACCOUNT
    assert not FederatedIdentity.objects.exists()


def test_a_link_to_a_deactivated_account_is_refused(oidc_on, oidc_staff, client, signals):
    sign_in(Client(), oidc_on, "sub-staff")
    oidc_staff.is_active = False
    oidc_staff.save()

    response = sign_in(client, oidc_on, "sub-staff")

    assert response.status_code == 403
    assert response.context["reason"] == ACCOUNT_DEACTIVATED
    assert "_auth_user_id" not in client.session
    assert signals["failed"][-1][0] == {"username": "OIDC.Staff@Example.gov"}


def test_a_tampered_state_is_refused(oidc_on, oidc_staff, client, signals):
    response = sign_in(client, oidc_on, "sub-staff", tamper_state=True)

    assert response.status_code == 400
    assert response.context["reason"] == SIGN_IN_FAILED
    assert "_auth_user_id" not in client.session
    assert not FederatedIdentity.objects.exists()
    assert len(signals["failed"]) == 1


def test_a_callback_in_another_browser_session_is_refused(oidc_on, oidc_staff, client):
    """The state belongs to the session that started the sign-in: a code sent to someone
    else's browser (login CSRF) signs nobody in."""
    start = client.get("/accounts/oidc/login/")
    back = oidc_on.sign_in(start["Location"], "sub-staff")
    victim = Client()

    response = victim.get(f"{CALLBACK_PATH}?{urllib.parse.urlsplit(back).query}")

    assert response.status_code == 400
    assert "_auth_user_id" not in victim.session


def test_a_code_is_redeemed_once(oidc_on, oidc_staff, client):
    start = client.get("/accounts/oidc/login/")
    back = oidc_on.sign_in(start["Location"], "sub-staff")
    query = urllib.parse.urlsplit(back).query
    assert client.get(f"{CALLBACK_PATH}?{query}").status_code == 302
    client.logout()

    assert client.get(f"{CALLBACK_PATH}?{query}").status_code == 400


@pytest.mark.parametrize(("amr", "acr", "verified"), [
    ("pwd otp", "", True),
    ("mfa", "", True),
    ("hwk", "", True),
    ("pwd", "urn:cpc:test:aal2", True),   # an acr listed in OIDC_MFA_ACR_VALUES
    ("pwd", "urn:cpc:test:password", False),
])
def test_a_second_factor_asserted_by_the_provider_marks_the_session(
        oidc_on, oidc_staff, client, amr, acr, verified):
    response = sign_in(client, oidc_on, "sub-staff", amr=amr, acr=acr)

    assert response.status_code == 302
    assert (client.session.get(SESSION_MFA_VIA) == "oidc") is verified


@pytest.mark.parametrize(("amr", "reaches_the_page"), [("pwd otp", True), ("pwd", False)])
def test_with_require_mfa_only_a_second_factor_at_the_provider_lets_staff_in(
        oidc_on, oidc_staff, client, settings, amr, reaches_the_page):
    """Production asks TIP staff for a second factor: one the provider checked counts; a
    password at the provider leaves the app's own step owed (here: enrolment)."""
    settings.REQUIRE_MFA = True
    sign_in(client, oidc_on, "sub-staff", amr=amr)

    response = client.get("/work/")
    if reaches_the_page:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/mfa/enrol/")
    assert (client.get("/api/v1/me/").status_code == 200) is reaches_the_page


def test_next_is_followed_only_within_the_site(oidc_on, oidc_staff, client):
    client.get("/accounts/oidc/login/?next=/compacts/")
    start = client.get("/accounts/oidc/login/?next=https://evil.example/")
    back = oidc_on.sign_in(start["Location"], "sub-staff")

    response = client.get(f"{CALLBACK_PATH}?{urllib.parse.urlsplit(back).query}")

    assert response["Location"] == "/work/"
    other = Client()
    start = other.get("/accounts/oidc/login/?next=/compacts/")
    back = oidc_on.sign_in(start["Location"], "sub-staff")
    assert other.get(f"{CALLBACK_PATH}?{urllib.parse.urlsplit(back).query}")[
        "Location"] == "/compacts/"


def test_the_login_page_offers_the_provider(oidc_on, client):
    response = client.get("/accounts/login/?next=/compacts/")

    assert response.status_code == 200
    assert b"Sign in with Test IdP" in response.content
    assert b'href="/accounts/oidc/login/?next=/compacts/"' in response.content


def test_off_without_configuration_no_button_and_404(settings, client, db):
    settings.OIDC_ISSUER = settings.OIDC_CLIENT_ID = settings.OIDC_PRIVATE_KEY = ""

    page = client.get("/accounts/login/")

    assert page.status_code == 200
    assert b"Sign in with" not in page.content
    assert b"/accounts/oidc/" not in page.content
    assert client.get("/accounts/oidc/login/").status_code == 404
    assert client.get(f"{CALLBACK_PATH}?code=x&state=y").status_code == 404


def test_a_partial_configuration_fails_the_system_check(settings):
    from accounts.oidc import check_oidc_settings

    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_PRIVATE_KEY = (
        "https://idp.example.gov", "cpc", "")

    errors = check_oidc_settings()

    assert [e.id for e in errors] == ["accounts.E001"]
    assert "OIDC_PRIVATE_KEY" in errors[0].msg


def test_the_key_may_be_a_path_and_may_be_p256(settings, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from accounts.oidc import check_oidc_settings, oidc_config, signing_key

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    (tmp_path / "client.pem").write_text(pem)
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID = "https://idp.example.gov/", "cpc"
    settings.OIDC_PRIVATE_KEY = str(tmp_path / "client.pem")

    config = oidc_config()

    assert check_oidc_settings() == []
    assert config.issuer == "https://idp.example.gov"
    assert signing_key(config.private_key)[1] == "ES256"
    settings.OIDC_PRIVATE_KEY = str(tmp_path / "missing.pem")
    assert [e.id for e in check_oidc_settings()] == ["accounts.E002"]


@pytest.fixture
def live_provider(settings, live_server, client_pem):
    """A provider whose client comes back to the live server (a test using the live server
    commits its data: the other tests here stay in a rolled-back transaction)."""
    server = OIDCProvider(redirect_uris=[f"{live_server.url}{CALLBACK_PATH}"],
                          accounts=ACCOUNTS, client_pem=client_pem).start()
    yield configure(settings, server)
    server.stop()


def test_sign_in_over_http_against_the_live_server(live_provider, live_server):
    """The same round trip with nothing but HTTP: a requests session follows the redirects
    between the live server and the provider, cookies and all."""
    oidc_on = live_provider
    user = UserFactory(username="oidc.staff", email=STAFF_EMAIL)
    services.user_assign_role(user=user, role=TIP_STAFF)
    browser = requests.Session()

    start = browser.get(f"{live_server.url}/accounts/oidc/login/", allow_redirects=False)
    back = oidc_on.sign_in(start.headers["Location"], "sub-staff")
    # The provider's session cookie stays with the provider: carry on with ours.
    signed_in = browser.get(back)

    assert signed_in.status_code == 200
    assert signed_in.url == f"{live_server.url}/work/"
    me = browser.get(f"{live_server.url}/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "oidc.staff"


def test_an_id_token_from_another_issuer_than_configured_is_refused(settings, provider, client,
                                                                     oidc_staff):
    """The app is configured with the provider's address under another name: discovery and
    the exchange work, but the ID token's ``iss`` is not the configured issuer."""
    configure(settings, provider)
    settings.OIDC_ISSUER = provider.issuer.replace("127.0.0.1", "localhost")
    oidc_client.cache_clear()

    response = sign_in(client, provider, "sub-staff")

    assert response.status_code == 400
    assert response.context["reason"] == SIGN_IN_FAILED
    assert "_auth_user_id" not in client.session
    assert not FederatedIdentity.objects.exists()


def test_an_unreachable_provider_is_a_page_not_a_server_error(settings, client, db):
    from tests.ports import free_port

    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    settings.OIDC_CLIENT_ID, settings.OIDC_PRIVATE_KEY = "cpc", client_key_pem()
    settings.OIDC_TIMEOUT = 1
    oidc_client.cache_clear()

    response = client.get("/accounts/oidc/login/")

    assert response.status_code == 502
    assert response.context["reason"] == SIGN_IN_FAILED
    # Recorded, but never counted as someone's failed password: the sixth try still gets the
    # page that explains, not django-axes' lockout ("5 failed attempts for this username").
    for _ in range(5):
        response = client.get("/accounts/oidc/login/")
    assert response.status_code == 502
    assert response.context["reason"] == SIGN_IN_FAILED
    assert AuthEvent.objects.filter(kind=AuthEventKind.LOGIN_FAILED).count() == 6
    assert not AuthEvent.objects.filter(kind=AuthEventKind.LOCKED_OUT).exists()


class TestIdTokenChecks:
    """The ID token checks the callback asks of Authlib (accounts.oidc.id_token_claims_options),
    on tokens signed here with real keys: the provider's published key, or another."""

    ISSUER, CLIENT_ID, NONCE = "https://idp.example.gov", "cpc", "the-nonce"

    @pytest.fixture
    def keys(self):
        from joserfc.jwk import RSAKey

        provider_key = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256"})
        # Another key under the same kid: a forger's.
        forged_key = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256"})
        return provider_key, forged_key

    @pytest.fixture
    def client_and_config(self, keys, settings):
        from authlib.integrations.django_client import OAuth

        from accounts.oidc import oidc_config

        settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID = self.ISSUER, self.CLIENT_ID
        settings.OIDC_PRIVATE_KEY = client_key_pem()
        app = OAuth().register(
            name="oidc-test", client_id=self.CLIENT_ID, issuer=self.ISSUER,
            jwks={"keys": [keys[0].as_dict(private=False)]},
            id_token_signing_alg_values_supported=["RS256"])
        return app, oidc_config()

    def token(self, key, **claims):
        import time

        from joserfc import jwt

        now = int(time.time())
        body = {"iss": self.ISSUER, "aud": self.CLIENT_ID, "sub": "s", "iat": now,
                "exp": now + 300, "nonce": self.NONCE} | claims
        return {"id_token": jwt.encode({"alg": "RS256", "kid": "k1"}, body, key)}

    def parse(self, client_and_config, token):
        from accounts.oidc import id_token_claims_options

        app, config = client_and_config
        return app.parse_id_token(token, nonce=self.NONCE,
                                  claims_options=id_token_claims_options(config), leeway=0)

    def test_a_good_token_passes(self, keys, client_and_config):
        assert self.parse(client_and_config, self.token(keys[0]))["sub"] == "s"

    @pytest.mark.parametrize("claims", [
        {"aud": "another-client"},
        # Authorised for this client, but meant for another audience.
        {"aud": ["another-client"], "azp": "cpc"},
        {"iss": "https://evil.example"},
        {"exp": 1_000_000_000},
        {"nonce": "another-nonce"},
    ], ids=["aud", "aud-with-azp", "iss", "exp", "nonce"])
    def test_a_wrong_claim_is_refused(self, keys, client_and_config, claims):
        from joserfc.errors import JoseError

        with pytest.raises(JoseError):
            self.parse(client_and_config, self.token(keys[0], **claims))

    @pytest.mark.parametrize("missing", ["aud", "exp", "iss", "iat"])
    def test_a_missing_claim_is_refused(self, keys, client_and_config, missing):
        from joserfc.errors import JoseError

        token = self.token(keys[0])
        from joserfc import jwt

        claims = jwt.decode(token["id_token"], keys[0]).claims
        claims.pop(missing)
        forged = {"id_token": jwt.encode({"alg": "RS256", "kid": "k1"}, claims, keys[0])}
        with pytest.raises(JoseError):
            self.parse(client_and_config, forged)

    def test_a_token_signed_by_another_key_is_refused(self, keys, client_and_config):
        from joserfc.errors import JoseError

        with pytest.raises(JoseError):
            self.parse(client_and_config, self.token(keys[1]))
