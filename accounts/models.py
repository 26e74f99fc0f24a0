"""Accounts: what signing in needs to remember about a user beyond Django's own tables."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FederatedIdentity(models.Model):
    """A person's identity at an OpenID Connect provider, linked to an account of this app.

    The link is made once, by a verified email (accounts.oidc_services.identity_user); from
    then on the provider's subject identifies the person, so a changed or reassigned email
    at the provider never moves the sign-in to another account."""

    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    # The link belongs to the account: it goes when the account goes.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="federated_identities", verbose_name=_("user"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("federated identity")
        verbose_name_plural = _("federated identities")
        constraints = [
            # One subject of one provider is one person.
            models.UniqueConstraint(fields=["issuer", "subject"],
                                    name="accounts_identity_unique_subject",
                                    violation_error_message=_(
                                        "This identity is already linked to an account.")),
            # An account links to one identity of a provider: a second identity with the same
            # email (re-created at the provider, or the email given to someone else) does not
            # sign in to it until TIP staff remove the first link.
            models.UniqueConstraint(fields=["issuer", "user"],
                                    name="accounts_identity_unique_user",
                                    violation_error_message=_(
                                        "This account is already linked to an identity at "
                                        "this provider.")),
        ]

    def __str__(self):
        return f"{self.subject} @ {self.issuer}"
