"""Signals for the events of signing in that Django and its libraries do not send themselves.

The audit trail (``audit``) records them as auth events; the apps that know the event send
them, so no app below the audit trail imports it.
"""

from django.dispatch import Signal

# A second factor was confirmed for ``user`` (``request``, ``device``: the confirmed device).
mfa_enrolled = Signal()
# A second factor was removed from ``user`` (``request``, ``device``).
mfa_removed = Signal()
# A code of a second factor was refused for ``user`` (``request``).
mfa_failed = Signal()
# An API token was issued to ``user`` (``request``) or revoked (``request``, ``reason``).
token_created = Signal()
token_revoked = Signal()
# Federated sign-in refused someone (``username``: the email or subject the provider gave,
# or ""; ``reason``: one of ``accounts.oidc_services.REFUSALS``; ``issuer``; ``request``).
federated_sign_in_refused = Signal()
# A fiscal year of ``compact`` was unlocked (``user``, ``fiscal_year``, ``reason``).
year_unlocked = Signal()

# How a request signs in, for the sign-in event Django sends (``user_logged_in``): federated
# sign-in sets ``request.<SIGN_IN_METHOD>`` to its issuer before it signs anyone in; a
# request without it signed in with a password.
SIGN_IN_METHOD = "cpc_sign_in_issuer"
