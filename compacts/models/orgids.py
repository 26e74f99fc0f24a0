"""IATI organisation identifiers and the IATI organisation types the records can state.

An organisation identifier is ``<registration agency>-<the organisation's number there>``
(IATI's organisation identifier guidance; the agencies are listed at org-id.guide), for
example ``XM-DAC-47066`` (IOM: the OECD DAC's channel code) or ``GB-CHC-1234567`` (a charity
registered in England and Wales). The agency prefix is a two-letter country code (``XM``
and ``XI`` for international lists) and the list's code, both in capitals.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The agency's prefix, then the identifier: no spaces, and none of / & | ? (IATI's rules
# 1.8.13, 1.10.13, 1.15.13 refuse them in an organisation reference).
ORG_ID_PATTERN = r"^[A-Z]{2}-[A-Z0-9]+-[^\s/&|?]+$"
ORG_ID_MAX = 100

validate_org_id = RegexValidator(
    ORG_ID_PATTERN,
    _("Enter an IATI organisation identifier: the registration agency's code and the "
      "organisation's number there, e.g. XM-DAC-47066 (no spaces, nor / & | ?)."),
    code="invalid_org_id",
)


def org_id_field(verbose_name, help_text):
    return models.CharField(verbose_name, max_length=ORG_ID_MAX, blank=True,
                            validators=[validate_org_id], help_text=help_text)


class NgoOrgType(models.TextChoices):
    """IATI OrganisationType codes of a civil society organisation (non-governmental)."""

    INTERNATIONAL = "21", _("International NGO")
    NATIONAL = "22", _("National NGO (based in the United States)")
    REGIONAL = "23", _("Regional NGO")
    PARTNER_COUNTRY = "24", _("NGO based in the partner country")
