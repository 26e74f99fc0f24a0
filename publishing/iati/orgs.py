"""The organisations of an activity: who reports, funds, answers for and implements it, with
their IATI organisation identifiers and types where the records hold them, and whom to
contact (``docs/iati.md``)."""

from django.conf import settings

from compacts.models import Compact, Implementer, ImplementerKind

from .common import ORG_TYPE_GOVERNMENT, REPORTING_ORG_NAME, org, sub

# OrganisationRole
ROLE_FUNDING = "1"
ROLE_ACCOUNTABLE = "2"
ROLE_IMPLEMENTING = "4"

# OrganisationType of an implementer by its kind. A civil society organisation's type is its
# recorded NGO type (21 international, 22 national, 23 regional, 24 based in the partner
# country); without one it has no type rather than a guessed one.
IMPLEMENTER_TYPES = {
    ImplementerKind.INTERNATIONAL_ORGANIZATION: "40",  # Multilateral
    ImplementerKind.UNIVERSITY: "80",  # Academic, Training and Research
    ImplementerKind.PRIVATE_FIRM: "70",  # Private Sector
    ImplementerKind.OTHER: "90",  # Other
}

CONTACT_GENERAL_ENQUIRIES = "1"  # ContactType


def implementer_type(implementer: Implementer) -> str | None:
    if implementer.kind == ImplementerKind.CIVIL_SOCIETY:
        return implementer.ngo_type or None
    return IMPLEMENTER_TYPES.get(implementer.kind)


def reporting_org(parent, tag: str = "reporting-org", **attributes):
    return org(parent, tag, REPORTING_ORG_NAME, ref=settings.IATI_REPORTING_ORG_REF,
               org_type=ORG_TYPE_GOVERNMENT, **attributes)


def implementer_org(parent, tag: str, implementer: Implementer, **attributes):
    return org(parent, tag, implementer.name, ref=implementer.iati_ref,
               org_type=implementer_type(implementer), **attributes)


def participating_orgs(element, compact: Compact) -> None:
    reporting_org(element, "participating-org", role=ROLE_FUNDING)
    org(element, "participating-org", f"Government of {compact.country.name}",
        ref=compact.country.government_iati_ref, org_type=ORG_TYPE_GOVERNMENT,
        role=ROLE_ACCOUNTABLE)
    implementers = {award.implementer_id: award.implementer for award in compact.awards.all()}
    for implementer in sorted(implementers.values(), key=lambda i: i.name):
        implementer_org(element, "participating-org", implementer, role=ROLE_IMPLEMENTING)


def contact_info(element) -> None:
    """The publisher's contact (``IATI_CONTACT_*`` settings), children in the schema's order;
    a setting left empty is left out. Nothing when every setting is empty."""
    texts = [("organisation", settings.IATI_CONTACT_ORGANISATION),
             ("department", settings.IATI_CONTACT_DEPARTMENT)]
    plain = [("email", settings.IATI_CONTACT_EMAIL), ("website", settings.IATI_CONTACT_WEBSITE)]
    address = settings.IATI_CONTACT_MAILING_ADDRESS
    if not any(v for _tag, v in texts + plain) and not address:
        return
    contact = sub(element, "contact-info", type=CONTACT_GENERAL_ENQUIRIES)
    for tag, text in texts:
        if text:
            sub(contact, tag, text)
    for tag, text in plain:
        if text:
            sub(contact, tag).text = text
    if address:
        sub(contact, "mailing-address", address)
