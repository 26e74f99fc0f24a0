"""The compacts as IATI 2.03 activities (``docs/iati.md`` states the mapping and its reasons).

:func:`activities_document` takes compacts as :func:`publishing.selectors.iati_compact_list`
loads them (everything prefetched) and writes no query of its own. Elements follow the order
the IATI schema's sequences require; a figure that is not recorded is left out, never written
as zero.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from lxml import etree

from compacts.models import Compact, CompactStatus, ImplementerKind
from cpc.fiscal import fiscal_year_bounds, fiscal_year_of
from cpc.samples import any_sample
from indicators.models import Direction, Indicator, ResultStatus, Unit
from indicators.progress import compute_indicator_progress

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CURRENCY = "USD"

REPORTING_ORG_NAME = "U.S. Department of State"
ORG_TYPE_GOVERNMENT = "10"  # OrganisationType

# OrganisationRole
ROLE_FUNDING = "1"
ROLE_ACCOUNTABLE = "2"
ROLE_IMPLEMENTING = "4"

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

# BudgetType 1 Original; BudgetStatus 2 Committed (the awards are binding agreements).
BUDGET_TYPE_ORIGINAL = "1"
BUDGET_STATUS_COMMITTED = "2"

TRANSACTION_COMMITMENT = "2"  # TransactionType: Outgoing Commitment

# OrganisationType of an implementer. A civil society organisation is left without a type:
# the record does not say whether it is international (21), national (22) or based in the
# partner country (24).
IMPLEMENTER_TYPES = {
    ImplementerKind.INTERNATIONAL_ORGANIZATION: "40",  # Multilateral
    ImplementerKind.UNIVERSITY: "80",  # Academic, Training and Research
    ImplementerKind.PRIVATE_FIRM: "70",  # Private Sector
    ImplementerKind.OTHER: "90",  # Other
}

RESULT_TYPE_OTHER = "9"  # ResultType: the records do not class indicators as output/outcome
# IndicatorMeasure: 1 Unit, 2 Percentage, 3 Nominal (a yes/no indicator: 1 yes, 0 no).
INDICATOR_MEASURE = {Unit.COUNT: "1", Unit.USD: "1", Unit.PERCENT: "2", Unit.YES_NO: "3"}
INDICATOR_VOCABULARY_REPORTING_ORG = "99"  # IndicatorVocabulary: the reporting organisation

DESCRIPTION_GENERAL, DESCRIPTION_OBJECTIVES = "1", "2"

# Said in the descriptions of an activity, a transaction or a result whose figures include
# sample data (cpc/samples.py): IATI has no flag for it, so the text says it.
SAMPLE_DATA = "Sample data, invented for demonstration and not official figures: {what}."


def activity_identifier(compact: Compact) -> str:
    """``<reporting org>-CPC-<ISO 3166-1 alpha-2>-<compact id>``. The compact's id never
    changes and is never reused, unlike its status, dates or title, so the identifier stays the
    same from one file to the next as IATI requires."""
    return f"{settings.IATI_REPORTING_ORG_REF}-CPC-{compact.country.iso_code.code}-{compact.pk}"


def number(value: Decimal) -> str:
    """A decimal as IATI writes it: plain digits, no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def money(amount: Decimal) -> str:
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def _sub(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): xml_text(v)
                                             for k, v in attributes.items()})
    if text is not None:
        _narrative(element, text)
    return element


# Characters XML 1.0 cannot carry (control characters but tab, newline and carriage return;
# lone surrogates; U+FFFE and U+FFFF): a record's text may hold them, the file never does.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def _narrative(parent, text: str) -> None:
    etree.SubElement(parent, "narrative").text = xml_text(text)


def _org(parent, tag: str, name: str, *, ref: str | None = None, org_type: str | None = None,
         role: str | None = None) -> etree._Element:
    attributes = {}
    if ref:
        attributes["ref"] = ref
    if org_type:
        attributes["type"] = org_type
    if role:
        attributes["role"] = role
    return _sub(parent, tag, name, **attributes)


def _value(parent, amount: Decimal, value_date: dt.date) -> None:
    _sub(parent, "value", currency=CURRENCY,
         value_date=value_date.isoformat()).text = number(amount)


def activities_document(compacts: Iterable[Compact], *, generated: dt.datetime | None = None
                        ) -> etree._Element:
    """The ``iati-activities`` root with one ``iati-activity`` per compact."""
    generated = generated or timezone.now()
    root = etree.Element("iati-activities", {
        "version": IATI_VERSION,
        "generated-datetime": generated.isoformat(timespec="seconds"),
    })
    for compact in compacts:
        root.append(activity(compact))
    return root


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def activity(compact: Compact) -> etree._Element:
    """One compact as an ``iati-activity``; children in the order of the schema's sequence."""
    element = etree.Element("iati-activity", {XML_LANG: "en", "default-currency": CURRENCY})
    _sub(element, "iati-identifier").text = activity_identifier(compact)
    _org(element, "reporting-org", REPORTING_ORG_NAME,
         ref=settings.IATI_REPORTING_ORG_REF, org_type=ORG_TYPE_GOVERNMENT)
    _sub(element, "title", compact.title)
    _descriptions(element, compact)
    _participating_orgs(element, compact)
    _sub(element, "activity-status", code=ACTIVITY_STATUS[compact.status])
    _activity_dates(element, compact)
    _sub(element, "recipient-country", compact.country.name,
         code=compact.country.iso_code.code, percentage="100")
    _sub(element, "sector", SECTOR_NAME, vocabulary=SECTOR_VOCABULARY_DAC, code=SECTOR_CODE,
         percentage="100")
    _sub(element, "collaboration-type", code=COLLABORATION_TYPE)
    _sub(element, "default-flow-type", code=FLOW_TYPE)
    _sub(element, "default-finance-type", code=FINANCE_TYPE)
    _sub(element, "default-aid-type", code=AID_TYPE, vocabulary="1")
    _budgets(element, compact)
    _transactions(element, compact)
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
                     f"US${money(compact.us_funding_usd)}.")
    if compact.partner_contribution_planned_usd is not None:
        parts.append(f"Contribution planned by {country}: "
                     f"US${money(compact.partner_contribution_planned_usd)}.")
    if samples := _sample_kinds(compact):
        parts.append(SAMPLE_DATA.format(what=samples))
    _sub(element, "description", " ".join(parts), type=DESCRIPTION_GENERAL)
    objectives = [f"{o.get_pillar_display()}: {o.description}" for o in compact.objectives.all()]
    if objectives:
        _sub(element, "description", " ".join(objectives), type=DESCRIPTION_OBJECTIVES)


def _sample_kinds(compact: Compact) -> str:
    """Which of the activity's figures are samples, in words ("" when none is)."""
    kinds = []
    if compact.partner_contribution_planned_is_sample:
        kinds.append("the planned contribution")
    if any_sample(compact.awards.all()):
        kinds.append("the award amounts (budgets and transactions)")
    if any(indicator.shows_sample_figures for indicator in compact.indicators.all()):
        kinds.append("indicator figures (see each result)")
    if len(kinds) < 2:
        return "".join(kinds)
    return f"{', '.join(kinds[:-1])} and {kinds[-1]}"


def _participating_orgs(element, compact: Compact) -> None:
    _org(element, "participating-org", REPORTING_ORG_NAME, ref=settings.IATI_REPORTING_ORG_REF,
         org_type=ORG_TYPE_GOVERNMENT, role=ROLE_FUNDING)
    _org(element, "participating-org", f"Government of {compact.country.name}",
         org_type=ORG_TYPE_GOVERNMENT, role=ROLE_ACCOUNTABLE)
    implementers = {award.implementer_id: award.implementer for award in compact.awards.all()}
    for implementer in sorted(implementers.values(), key=lambda i: i.name):
        _org(element, "participating-org", implementer.name,
             org_type=IMPLEMENTER_TYPES.get(implementer.kind), role=ROLE_IMPLEMENTING)


def _activity_dates(element, compact: Compact) -> None:
    started = compact.status in STARTED
    _sub(element, "activity-date", type=PLANNED_START, iso_date=compact.start_date.isoformat())
    if started:
        _sub(element, "activity-date", type=ACTUAL_START,
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
    _sub(element, "activity-date", note, type=PLANNED_END, iso_date=end.isoformat())
    if compact.status == CompactStatus.CLOSED:
        _sub(element, "activity-date", type=ACTUAL_END, iso_date=end.isoformat())


def _budgets(element, compact: Compact) -> None:
    """One committed budget per U.S. fiscal year in which awards were made: the sum of those
    awards, the year cut to the compact's term. Years without an award have no budget (the
    records hold no yearly plan, and the ceiling is not split over years)."""
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    for award in compact.awards.all():
        by_year[fiscal_year_of(award.start_date)] += award.amount_usd
    end = compact.current_end_date
    for year in sorted(by_year):
        first_day, last_day = fiscal_year_bounds(year)
        first_day = max(first_day, compact.start_date)
        if end is not None:
            last_day = min(last_day, end)
        budget = _sub(element, "budget", type=BUDGET_TYPE_ORIGINAL,
                      status=BUDGET_STATUS_COMMITTED)
        _sub(budget, "period-start", iso_date=first_day.isoformat())
        _sub(budget, "period-end", iso_date=last_day.isoformat())
        _value(budget, by_year[year], first_day)


def _transactions(element, compact: Compact) -> None:
    """Each award as an outgoing commitment from the Department of State to its implementer,
    dated on the award's start (the records keep no separate signing date)."""
    for award in compact.awards.all():
        transaction = _sub(element, "transaction", ref=award.award_number)
        _sub(transaction, "transaction-type", code=TRANSACTION_COMMITMENT)
        _sub(transaction, "transaction-date", iso_date=award.start_date.isoformat())
        _value(transaction, award.amount_usd, award.start_date)
        description = (f"{award.get_mechanism_display()} {award.award_number}, "
                       f"{award.start_date.isoformat()} to {award.end_date.isoformat()}.")
        if award.is_sample:
            description += " " + SAMPLE_DATA.format(what="the amount")
        _sub(transaction, "description", description)
        _org(transaction, "provider-org", REPORTING_ORG_NAME,
             ref=settings.IATI_REPORTING_ORG_REF, org_type=ORG_TYPE_GOVERNMENT)
        _org(transaction, "receiver-org", award.implementer.name,
             org_type=IMPLEMENTER_TYPES.get(award.implementer.kind))


def result(indicator: Indicator) -> etree._Element:
    """One indicator as a ``result`` with one ``indicator``: its baseline when both year and
    value are recorded, and a period per fiscal year that has a target or an approved actual.
    Only approved results are prefetched (``indicators_with_progress_data``); the status is
    checked here again so that nothing else can reach the file as an actual."""
    element = etree.Element("result", type=RESULT_TYPE_OTHER)
    _sub(element, "title", indicator.name)
    if indicator.shows_sample_figures:
        _sub(element, "description",
             SAMPLE_DATA.format(what="the baseline, targets and actuals of this result"))
    measured = _sub(element, "indicator", measure=INDICATOR_MEASURE[indicator.unit],
                    ascending="1" if indicator.direction == Direction.INCREASE else "0")
    _sub(measured, "title", f"{indicator.code} {indicator.name}")
    description = indicator.definition.strip()
    if indicator.unit == Unit.YES_NO:
        description = " ".join(filter(None, [description, "Values: 1 is yes, 0 is no."]))

    if description:
        _sub(measured, "description", description)
    _sub(measured, "reference", vocabulary=INDICATOR_VOCABULARY_REPORTING_ORG,
         code=indicator.code)
    if indicator.baseline_year is not None and indicator.baseline_value is not None:
        baseline = _sub(measured, "baseline", year=str(indicator.baseline_year),
                        value=number(indicator.baseline_value))
        _sub(baseline, "comment", f"U.S. fiscal year {indicator.baseline_year}.")
    # The figures of every other output (indicators.progress): the same rounding, and for a
    # cumulative indicator the same running totals from its first year with a target.
    targets = list(indicator.targets.all())
    approved = [r for r in indicator.results.all() if r.status == ResultStatus.APPROVED]
    own = {r.fiscal_year: r for r in approved}
    progress = compute_indicator_progress(indicator, targets=targets, results=approved)
    for row in progress.years:
        target_set = any(t.fiscal_year == row.fiscal_year for t in targets)
        if not (target_set or row.fiscal_year in own):
            continue
        first_day, last_day = fiscal_year_bounds(row.fiscal_year)
        period = _sub(measured, "period")
        _sub(period, "period-start", iso_date=first_day.isoformat())
        _sub(period, "period-end", iso_date=last_day.isoformat())
        basis = (f"Running total since FY{row.since}, the first year with a target."
                 if row.since is not None else None)
        if row.target is not None:
            target = _sub(period, "target", value=number(row.target))
            if basis:
                _sub(target, "comment", basis)
        if row.fiscal_year in own and row.actual is not None:
            actual = _sub(period, "actual", value=number(row.actual))
            comment = " ".join(filter(None, [basis, own[row.fiscal_year].source.strip()]))
            if comment:
                _sub(actual, "comment", comment)
    return element
