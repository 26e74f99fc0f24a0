"""A compact as an IATI 2.03 ``iati-activity``, and the ``iati-activities`` file.

:func:`activities_document` takes compacts as :func:`publishing.selectors.iati_compact_list`
loads them (everything prefetched, the time of the latest change annotated) and writes no
query of its own. Elements follow the order the IATI schema's sequences require; a figure that
is not recorded is left out, never written as zero.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from lxml import etree

from compacts.models import Compact, CompactStatus
from cpc.samples import any_sample

from . import documents, money, orgs
from .common import CURRENCY, IATI_VERSION, SAMPLE_DATA, XML_LANG, sub
from .common import money as dollars
from .results import result

# ActivityStatus: 1 Pipeline/identification, 2 Implementation, 4 Closed. A compact being
# drafted, negotiated or signed but not yet under way is in the pipeline.
ACTIVITY_STATUS = {
    CompactStatus.DRAFT: "1",
    CompactStatus.NEGOTIATING: "1",
    CompactStatus.SIGNED: "1",
    CompactStatus.ACTIVE: "2",
    CompactStatus.CLOSED: "4",
}
STARTED = {CompactStatus.ACTIVE, CompactStatus.CLOSED}

# ActivityDateType
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"

# DAC 5-digit purpose code (Sector vocabulary 1). 15160 "Human rights" names human rights
# programming for children and for victims of trafficking; see docs/iati.md.
SECTOR_VOCABULARY_DAC = "1"
SECTOR_CODE = "15160"
SECTOR_NAME = "Human rights"

# What every compact shares: a bilateral partnership (CollaborationType 1), official
# development assistance (FlowType 10), grants, cooperative agreements and contracts that the
# partner country does not repay (FinanceType 110 standard grant), projects (AidType C01).
COLLABORATION_TYPE = "1"
FLOW_TYPE = "10"
FINANCE_TYPE = "110"
AID_TYPE = "C01"

DESCRIPTION_GENERAL, DESCRIPTION_OBJECTIVES = "1", "2"


def activity_identifier(compact: Compact) -> str:
    """``<reporting org>-CPC-<ISO 3166-1 alpha-2>-<compact id>``. The compact's id never
    changes and is never reused, unlike its status, dates or title, so the identifier stays the
    same from one file to the next as IATI requires."""
    return f"{settings.IATI_REPORTING_ORG_REF}-CPC-{compact.country.iso_code.code}-{compact.pk}"


def activities_document(compacts: Iterable[Compact], *, generated: dt.datetime | None = None
                        ) -> etree._Element:
    """The ``iati-activities`` root with one ``iati-activity`` per compact."""
    generated = generated or timezone.now()
    root = etree.Element("iati-activities", {
        "version": IATI_VERSION,
        "generated-datetime": generated.isoformat(timespec="seconds"),
    })
    for compact in compacts:
        root.append(activity(compact, now=generated))
    return root


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def last_updated(compact: Compact, now: dt.datetime) -> dt.datetime | None:
    """The latest change of the compact or of a record the activity publishes, as annotated
    by the selector (``iati_last_updated``), never after ``now``."""
    latest = getattr(compact, "iati_last_updated", None)
    return None if latest is None else min(latest, now)


def activity(compact: Compact, *, now: dt.datetime | None = None) -> etree._Element:
    """One compact as an ``iati-activity``; children in the order of the schema's sequence."""
    now = now or timezone.now()
    attributes = {XML_LANG: "en", "default-currency": CURRENCY}
    if (latest := last_updated(compact, now)) is not None:
        attributes["last-updated-datetime"] = latest.isoformat(timespec="seconds")
    element = etree.Element("iati-activity", attributes)
    sub(element, "iati-identifier").text = activity_identifier(compact)
    orgs.reporting_org(element)
    sub(element, "title", compact.title)
    _descriptions(element, compact)
    orgs.participating_orgs(element, compact)
    sub(element, "activity-status", code=ACTIVITY_STATUS[compact.status])
    _activity_dates(element, compact)
    orgs.contact_info(element)
    sub(element, "recipient-country", compact.country.name,
        code=compact.country.iso_code.code, percentage="100")
    sub(element, "sector", SECTOR_NAME, vocabulary=SECTOR_VOCABULARY_DAC, code=SECTOR_CODE,
        percentage="100")
    sub(element, "collaboration-type", code=COLLABORATION_TYPE)
    sub(element, "default-flow-type", code=FLOW_TYPE)
    sub(element, "default-finance-type", code=FINANCE_TYPE)
    sub(element, "default-aid-type", code=AID_TYPE, vocabulary="1")
    money.budgets(element, compact)
    money.transactions(element, compact, today=timezone.localdate(now))
    documents.document_links(element, compact)
    for indicator in compact.indicators.all():
        element.append(result(indicator))
    return element


def _descriptions(element, compact: Compact) -> None:
    country = compact.country.name
    parts = [f"Child Protection Compact Partnership between the United States and {country}: "
             "a multi-year plan with shared objectives to prosecute child traffickers, give "
             "child victims trauma-informed care and prevent child trafficking "
             "(22 U.S.C. § 7103a)."]
    if compact.signed_on:
        parts.append(f"Signed on {compact.signed_on.isoformat()}.")
    if compact.us_funding_usd:
        parts.append(f"U.S. funding ceiling at signing: up to "
                     f"US${dollars(compact.us_funding_usd)}.")
    if compact.partner_contribution_planned_usd is not None:
        parts.append(f"Contribution planned by {country}: "
                     f"US${dollars(compact.partner_contribution_planned_usd)}.")
    if samples := _sample_kinds(compact):
        parts.append(SAMPLE_DATA.format(what=samples))
    sub(element, "description", " ".join(parts), type=DESCRIPTION_GENERAL)
    objectives = [f"{o.get_pillar_display()}: {o.description}" for o in compact.objectives.all()]
    if objectives:
        sub(element, "description", " ".join(objectives), type=DESCRIPTION_OBJECTIVES)


def _sample_kinds(compact: Compact) -> str:
    """Which of the activity's figures are samples, in words ("" when none is)."""
    kinds = []
    if compact.partner_contribution_planned_is_sample:
        kinds.append("the planned contribution")
    awards = compact.awards.all()
    if any_sample(awards):
        kinds.append("the award amounts (commitments)")
    if any(any_sample(award.finances.all()) for award in awards):
        kinds.append("the awards' finances (budgets, disbursements and expenditures)")
    if any(indicator.shows_sample_figures for indicator in compact.indicators.all()):
        kinds.append("indicator figures (see each result)")
    if len(kinds) < 2:
        return "".join(kinds)
    return f"{', '.join(kinds[:-1])} and {kinds[-1]}"


def _activity_dates(element, compact: Compact) -> None:
    started = compact.status in STARTED
    sub(element, "activity-date", type=PLANNED_START, iso_date=compact.start_date.isoformat())
    if started:
        sub(element, "activity-date", type=ACTUAL_START,
            iso_date=compact.start_date.isoformat())
    end = compact.current_end_date
    if end is None:
        return
    extensions = list(compact.extensions.all())
    note = None
    if extensions:
        moves = "; ".join(f"on {e.signed_on.isoformat()} to {e.new_end_date.isoformat()}"
                          for e in extensions)
        note = f"Original term to {compact.end_date.isoformat()}; extended {moves}."
    sub(element, "activity-date", note, type=PLANNED_END, iso_date=end.isoformat())
    if compact.status == CompactStatus.CLOSED:
        sub(element, "activity-date", type=ACTUAL_END, iso_date=end.isoformat())
