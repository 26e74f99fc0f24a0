"""Which account a federated identity signs in to (accounts.oidc does the protocol).

Accounts are never created here: TIP staff create them, with their roles and countries, in
the app. An identity is linked to an account once, by an email address the provider has
verified (case-insensitive, exactly one active account); from then on the stored issuer and
subject find the account, whatever email the provider later sends.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import FederatedIdentity

# Why a federated sign-in was refused: the page says it (and the audit trail records it).
NO_ACCOUNT = "no_account"
EMAIL_NOT_VERIFIED = "email_not_verified"
ACCOUNT_DEACTIVATED = "account_deactivated"
ACCOUNT_ALREADY_LINKED = "account_already_linked"
SIGN_IN_FAILED = "sign_in_failed"

REFUSALS = {
    NO_ACCOUNT: _(
        "There is no account in CPC Oversight for the email address your identity provider "
        "gave. Accounts must be created by TIP staff first: ask them to create yours with "
        "that email address, then sign in again."),
    EMAIL_NOT_VERIFIED: _(
        "Your identity provider has not verified your email address, so it cannot be linked "
        "to an account. Verify it with your identity provider. Accounts must be created by "
        "TIP staff first: if you have none, ask them to create yours."),
    ACCOUNT_DEACTIVATED: _(
        "The account linked to this identity is deactivated. Ask TIP staff if it should be "
        "active again."),
    ACCOUNT_ALREADY_LINKED: _(
        "The account with this email address is already linked to another identity at this "
        "provider. Ask TIP staff to remove the old link, then sign in again."),
    SIGN_IN_FAILED: _(
        "The sign-in through your identity provider could not be completed. Please try "
        "again."),
}


class FederatedSignInRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def identity_user(*, issuer: str, subject: str, email: str | None,
                  email_verified: object) -> object:
    """The active account this identity signs in to, linking it on first use; raises
    FederatedSignInRefused with the reason otherwise."""
    User = get_user_model()
    with transaction.atomic():
        link = (FederatedIdentity.objects.select_for_update().select_related("user")
                .filter(issuer=issuer, subject=subject).first())
        if link is not None:
            if not link.user.is_active:
                raise FederatedSignInRefused(ACCOUNT_DEACTIVATED)
            link.last_used = timezone.now()
            link.save(update_fields=["last_used"])
            return link.user
        # Only the provider's statement that it verified this very address counts ("true"
        # as a string, or a missing claim, is not a verification).
        if not email or email_verified is not True:
            raise FederatedSignInRefused(EMAIL_NOT_VERIFIED)
        matches = list(User.objects.filter(email__iexact=email.strip(), is_active=True)[:2])
        if len(matches) != 1:
            raise FederatedSignInRefused(NO_ACCOUNT)
        link = FederatedIdentity(issuer=issuer, subject=subject, user=matches[0],
                                 last_used=timezone.now())
        try:
            link.full_clean()
        except ValidationError as error:
            raise FederatedSignInRefused(ACCOUNT_ALREADY_LINKED) from error
        link.save()
        return link.user
