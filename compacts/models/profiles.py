"""What the program keeps about a user: an officer's countries, an implementer's
organisations and the interface language."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .awards import Implementer
from .countries import PartnerCountry


class UserProfile(models.Model):
    """The countries an embassy officer is assigned to, and the interface language a user
    chose (docs/i18n.md)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    countries = models.ManyToManyField(PartnerCountry, blank=True, related_name="profiles")
    implementers = models.ManyToManyField(
        Implementer, blank=True, related_name="profiles",
        help_text=_("For implementers: the organisations whose awards they report results for."),
    )
    # Empty until the user picks one: the browser's language (Accept-Language) applies.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True,
                                default="")

    history = HistoricalRecords(m2m_fields=[countries, implementers])

    def __str__(self) -> str:
        return f"Profile of {self.user}"
