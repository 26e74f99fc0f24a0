"""Signing in and staying signed in: passwords, second factor, re-authentication, lockout,
API tokens, sessions, browser security headers and federated sign-in (docs/security.md).
Imported by ``base``."""

from datetime import timedelta

from .environment import env

# --- Auth -----------------------------------------------------------------------------
# At least 12 characters, not like the username or email, not a common password, not all
# digits (docs/security.md, "Signing in"; NIST 800-63B).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:my-work"
LOGOUT_REDIRECT_URL = "login"
# TIP staff (superusers too) and auditors must sign in with a second factor (TOTP): one
# without a device is sent to enrolment before anything else, and gets no API token.
# On in production (cpc/settings/production.py), off by default here, in the local demo
# and in the tests (docs/security.md says how to turn it on).
REQUIRE_MFA = env.bool("REQUIRE_MFA", default=False)
# Approving, verifying, confirming guidance, unlocking a year and changing a role need a
# sign-in (or re-authentication, or an API token issued) within this many minutes (cpc/reauth.py).
REAUTH_MINUTES = env.int("REAUTH_MINUTES", default=15)
# The name the authenticator app shows beside the code.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="CPC Oversight")

# --- Login protection, tokens, sessions, browser security (docs/security.md) -----------
AUTHENTICATION_BACKENDS = [
    # First: refuses every login from an address that failed too often across usernames,
    # and every login of a locked-out username and address.
    "cpc.security.AddressThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# How many proxies of our own stand in front of the app and append to X-Forwarded-For.
# 0 (the default): the header is ignored, since a client can write anything in it.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# Failed logins (login form, admin, API token) lock out a username from one address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ...and an address that failed this often within the cool-off, across any usernames, may
# not sign in at all until it ends (cpc.security.AddressThrottleBackend).
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "cpc.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# API tokens expire this many hours after they are issued (401 "Token has expired.").
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=8)
# A session ends after this long without a request.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_MINUTES", default=30) * 60
# The idle end moves forward with use, refreshed at most once a minute rather than written
# on every request (cpc.security.SessionIdleRefreshMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env.int("DJANGO_SESSION_REFRESH_SECONDS", default=60)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: every script and style sheet is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

# --- Federated sign-in (OpenID Connect; accounts/oidc.py, docs/security.md) -----------
# Off unless the issuer, the client id and the client's private key are all given: then the
# login page offers "Sign in with <OIDC_PROVIDER_NAME>". The client authenticates to the
# token endpoint with a JWT signed by OIDC_PRIVATE_KEY (private_key_jwt; a PEM, RSA or P-256,
# or the path of a file holding one), and every authorization request carries a PKCE S256
# challenge. An identity only signs in to an account TIP staff created (by verified email,
# then by the stored issuer and subject).
OIDC_ISSUER = env("OIDC_ISSUER", default="")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
OIDC_PRIVATE_KEY = env("OIDC_PRIVATE_KEY", default="")
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="")
OIDC_SCOPES = env("OIDC_SCOPES", default="openid email")
# ID token "acr" values that mean the provider checked a second factor (besides the "amr"
# values accounts.oidc.MFA_AMR_VALUES), e.g. login.gov's
# "http://idmanagement.gov/ns/assurance/aal/2".
OIDC_MFA_ACR_VALUES = env.list("OIDC_MFA_ACR_VALUES", default=[])
# The "acr_values" the authorization request asks for, space-separated (login.gov requires
# one, e.g. "http://idmanagement.gov/ns/assurance/ial/1
# http://idmanagement.gov/ns/assurance/aal/2"); none by default.
OIDC_ACR_VALUES = env("OIDC_ACR_VALUES", default="")
# Seconds to wait for the provider (discovery, keys, the token request).
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
