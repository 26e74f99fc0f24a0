"""Federated sign-in through an OpenID Connect provider (login.gov, an agency's IdP).

The client is Authlib's Django client, set up from the OIDC_* settings (cpc/settings/security.py):
the authorization code flow with PKCE (S256), a nonce and a state kept in the session, and
``private_key_jwt`` client authentication at the token endpoint (a JWT signed with
OIDC_PRIVATE_KEY; no client secret exists). The ID token is checked against the provider's
published keys (JWKS) for its signature, ``iss``, ``aud``, ``exp``, ``iat`` and ``nonce``.
Which account an identity signs in to is decided in accounts.oidc_services.

Federated sign-in is off unless OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_PRIVATE_KEY are all set;
a partial configuration is a system check error (accounts.E001), not a silent "off".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from authlib.integrations.django_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import ECKey, RSAKey

# "amr" values (RFC 8176) that say the provider checked more than a password.
MFA_AMR_VALUES = frozenset({"mfa", "otp", "hwk"})
# What the session holds after a federated sign-in whose provider asserted a second factor:
# the second-factor step (accounts' MFA) treats the session as verified.
SESSION_MFA_VIA = "accounts_mfa_via"
SESSION_MFA_VIA_OIDC = "oidc"


@dataclass(frozen=True)
class OIDCConfig:
    issuer: str
    client_id: str
    private_key: str  # the PEM text
    provider_name: str
    scopes: str
    mfa_acr_values: tuple[str, ...]
    acr_values: str
    timeout: float


def _settings_given() -> dict[str, str]:
    return {name: getattr(settings, name, "") or "" for name in
            ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_PRIVATE_KEY")}


def _read_private_key(value: str) -> str:
    """OIDC_PRIVATE_KEY holds the PEM itself, or the path of a file holding it."""
    if "-----BEGIN" in value:
        return value
    path = Path(value)
    if not path.is_file():
        raise ImproperlyConfigured(
            "OIDC_PRIVATE_KEY is neither a PEM private key nor the path of a file holding one.")
    return path.read_text()


def oidc_config() -> OIDCConfig | None:
    """The provider's configuration, or None when federated sign-in is off."""
    given = _settings_given()
    if not all(given.values()):
        return None
    scopes = settings.OIDC_SCOPES.split()
    if "openid" not in scopes:  # without it there is no ID token, hence no nonce
        scopes.insert(0, "openid")
    return OIDCConfig(
        issuer=given["OIDC_ISSUER"].rstrip("/"),
        client_id=given["OIDC_CLIENT_ID"],
        private_key=_read_private_key(given["OIDC_PRIVATE_KEY"]),
        provider_name=settings.OIDC_PROVIDER_NAME or "",
        scopes=" ".join(scopes),
        mfa_acr_values=tuple(settings.OIDC_MFA_ACR_VALUES),
        acr_values=getattr(settings, "OIDC_ACR_VALUES", "") or "",
        timeout=settings.OIDC_TIMEOUT,
    )


def signing_key(pem: str) -> tuple[RSAKey | ECKey, str]:
    """The client's key for private_key_jwt and its algorithm: RS256 for RSA, ES256 for P-256.
    Its ``kid`` is the RFC 7638 thumbprint, as the public JWK given to the provider has it."""
    key = load_pem_private_key(pem.encode(), password=None)
    if isinstance(key, rsa.RSAPrivateKey):
        jwk, alg = RSAKey.import_key(pem), "RS256"
    elif isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1":
        jwk, alg = ECKey.import_key(pem), "ES256"
    else:
        raise ImproperlyConfigured("OIDC_PRIVATE_KEY must be an RSA or a P-256 private key.")
    jwk.ensure_kid()
    return jwk, alg


@functools.lru_cache(maxsize=4)
def oidc_client(config: OIDCConfig):
    """Authlib's client for this configuration. Kept per configuration, so that the provider's
    discovery document and keys are fetched once per process (Authlib fetches the keys again
    when an ID token names a key it does not know: the provider rotated them)."""
    key, alg = signing_key(config.private_key)
    oauth = OAuth()
    return oauth.register(
        name="oidc",
        client_id=config.client_id,
        client_secret=key,
        server_metadata_url=f"{config.issuer}/.well-known/openid-configuration",
        client_auth_methods=[PrivateKeyJWT(alg=alg, headers={"kid": key.kid})],
        client_kwargs={
            "scope": config.scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "private_key_jwt",
            "default_timeout": config.timeout,
        },
    )


def id_token_claims_options(config: OIDCConfig) -> dict:
    """What the ID token must say besides its signature and nonce (checked by Authlib)."""
    return {
        "iss": {"essential": True, "value": config.issuer},
        "aud": {"essential": True, "value": config.client_id},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "sub": {"essential": True},
    }


def provider_name() -> str | None:
    """The name on the login page's button, or None when federated sign-in is off."""
    if not all(_settings_given().values()):
        return None
    return settings.OIDC_PROVIDER_NAME or "OpenID Connect"


def asserted_mfa(claims: dict, config: OIDCConfig) -> bool:
    """Whether the provider says it checked a second factor: an ``amr`` value of
    MFA_AMR_VALUES, or an ``acr`` listed in OIDC_MFA_ACR_VALUES."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(MFA_AMR_VALUES.intersection(amr)) or (
        bool(claims.get("acr")) and claims.get("acr") in config.mfa_acr_values)


@checks.register(checks.Tags.security)
def check_oidc_settings(app_configs=None, **kwargs):
    """A partial configuration would leave federated sign-in silently off."""
    given = _settings_given()
    if any(given.values()) and not all(given.values()):
        missing = ", ".join(name for name, value in given.items() if not value)
        return [checks.Error(
            f"Federated sign-in is partly configured: {missing} missing.",
            hint="Set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_PRIVATE_KEY, or none of them.",
            id="accounts.E001")]
    if all(given.values()):
        try:
            signing_key(_read_private_key(given["OIDC_PRIVATE_KEY"]))
        except (ImproperlyConfigured, ValueError, TypeError) as error:
            return [checks.Error(f"OIDC_PRIVATE_KEY cannot be used: {error}",
                                 id="accounts.E002")]
    return []
