"""Production: every secret comes from the environment, and HTTPS is enforced."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")  # no default: refuse to start without one
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# Links in emails start with it: a full address (scheme and host, no path), or every mailed
# link would be wrong. Without one, the app is served over HTTPS at its first allowed host
# (which is also all a build step such as collectstatic needs).
_first_host = ALLOWED_HOSTS[0] if ALLOWED_HOSTS else ""
SITE_URL = env("SITE_URL", default="" if _first_host.startswith((".", "*")) or not _first_host
               else f"https://{_first_host}")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname or _site.path not in ("", "/"):
    raise ImproperlyConfigured(
        f"SITE_URL must be the app's address, such as https://cpc.example.gov (not {SITE_URL!r}).")
# TIP staff and auditors sign in with a second factor (docs/security.md, "Signing in").
REQUIRE_MFA = env.bool("REQUIRE_MFA", default=True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Load balancers and container health checks call /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
