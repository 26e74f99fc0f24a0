"""API tokens that expire: ``API_TOKEN_TTL_HOURS`` after they were issued. Issuing, revoking
and deleting an expired token send ``cpc.signals.token_created`` / ``token_revoked`` (the
audit trail records them as auth events)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from cpc import signals

ERR_TOKEN_EXPIRED = "Token has expired."


def token_is_expired(token: Token) -> bool:
    return token.created <= timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's ``Authorization: Token <key>``, refused (401) once the token is too old.

    An expired token is deleted when it is presented; signing in again issues a new one.
    """

    def authenticate(self, request):
        self._request = request  # for the revocation event of an expired token
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            token.delete()
            signals.token_revoked.send(sender=Token, user=user,
                                       request=getattr(self, "_request", None),
                                       reason="expired")
            raise AuthenticationFailed(ERR_TOKEN_EXPIRED)
        return user, token


@transaction.atomic
def token_issue(*, user, request=None) -> Token:
    """The user's API token: the current one while it is valid, else a new one.

    The user has just signed in (password, and the second factor where they have one), so
    the token counts as issued now: its hours start again, and the actions that need a
    recent sign-in (cpc/reauth.py) accept it for ``REAUTH_MINUTES``."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_is_expired(token):
        token.delete()
        signals.token_revoked.send(sender=Token, user=user, request=request, reason="expired")
        token = None
    if token is None:
        token = Token.objects.create(user=user)
        signals.token_created.send(sender=Token, user=user, request=request)
    else:
        token.created = timezone.now()
        Token.objects.filter(pk=token.pk).update(created=token.created)
    return token


@transaction.atomic
def token_revoke(*, user, request=None, reason: str = "revoked") -> None:
    """Sign the user out of the API: their token stops working at once."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        signals.token_revoked.send(sender=Token, user=user, request=request, reason=reason)
