"""IATI's Standard Ruleset (``tests/publishing/iati_rules.py``) holds for the IATI file: the
demo's, and one with award finances, a public document and every kind of organisation; and
the checker itself finds a planted violation of every rule type (so the first test can fail).
The 300-compact generated file is checked in ``tests/oversight/test_list_pages_scale.py``."""

import copy
import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from compacts.management.commands.seed_demo import load_demo
from compacts.models import CompactDocument
from tests.compacts.factories import (
    AwardFactory,
    AwardFinanceFactory,
    CompactFactory,
    ImplementerFactory,
)
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory
from tests.publishing import iati_rules
from tests.publishing.schema import schema_errors

URL = "/api/v1/iati/activities.xml"
# Undecidable offline: needs org-id.guide's list of registration agencies (iati_rules).
UNDECIDED = {"1.14.8"}


def file_of(client) -> bytes:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content


def test_the_demo_file_breaks_none_of_iatis_rules(db, staff_api):
    load_demo(password="pw-for-tests")
    content = file_of(staff_api)
    assert schema_errors(content) == []
    assert iati_rules.check(content) == []
    assert iati_rules.skipped_cases(content) == UNDECIDED
    root = etree.fromstring(content)
    assert len(root) == 7
    assert all(a.get("last-updated-datetime") for a in root)


@pytest.fixture
def full_compact(ghana):
    """A closed compact with every part the file writes: extensions aside, awards to an
    international organisation with its identifier and to a national NGO, finances over
    three fiscal years (the last one the close-out year after the end), a public document
    and an indicator with targets and approved results."""
    compact = CompactFactory(country=ghana, status="closed", start_date=dt.date(2020, 3, 1),
                             signed_on=dt.date(2020, 3, 1), end_date=dt.date(2022, 2, 28))
    ghana.government_iati_ref = "GH-GOV-1"
    ghana.save()
    io = ImplementerFactory(name="International Organization for Migration",
                            kind="international_organization", iati_ref="XM-DAC-47066")
    ngo = ImplementerFactory(name="A national NGO", kind="civil_society", ngo_type="24")
    for implementer in (io, ngo):
        award = AwardFactory(compact=compact, implementer=implementer,
                             start_date=dt.date(2020, 4, 1), end_date=dt.date(2022, 2, 28))
        for year in (2020, 2021, 2022):
            AwardFinanceFactory(award=award, fiscal_year=year, as_of=dt.date(year, 11, 15))
    CompactDocument.objects.create(compact=compact, is_public=True,
                                   public_url="https://www.state.gov/sample-compact.pdf")
    indicator = IndicatorFactory(compact=compact, baseline_year=2020,
                                 baseline_value=Decimal("3"))
    TargetFactory(indicator=indicator, fiscal_year=2021, value=Decimal("10"))
    ResultFactory(indicator=indicator, fiscal_year=2021, value=Decimal("8"))
    return compact


def test_a_file_with_finances_documents_and_references_breaks_none(full_compact, staff_api):
    content = file_of(staff_api)
    activity = etree.fromstring(content).find("iati-activity")
    assert sorted({t.get("code") for t in activity.xpath("transaction/transaction-type")}) == [
        "2", "3", "4"]
    assert activity.find("document-link") is not None
    assert schema_errors(content) == []
    assert iati_rules.check(content) == []


# The checker can fail -------------------------------------------------------------------


def _set(path, attribute, value):
    def plant(activity):
        for element in activity.xpath(path):
            element.set(attribute, value)
    return plant


def _text(path, text):
    def plant(activity):
        activity.xpath(path)[0].text = text
    return plant


def _remove(path):
    def plant(activity):
        for found in activity.xpath(path):
            if getattr(found, "is_attribute", False):
                del found.getparent().attrib[found.attrname]
            else:
                found.getparent().remove(found)
    return plant


def _copy_after(path, **attributes):
    def plant(activity):
        element = activity.xpath(path)[0]
        twin = copy.deepcopy(element)
        for name, value in attributes.items():
            twin.set(name.replace("_", "-"), value)
        element.addnext(twin)
    return plant


def _both(*plants):
    def plant(activity):
        for each in plants:
            each(activity)
    return plant


NEXT_YEAR = str(dt.date.today().year + 1)
# (rule type, rule id, how to break it in an activity that keeps every rule).
PLANTS = [
    ("unique", "1.1.3", lambda a: _text("iati-identifier", a.find("reporting-org").get("ref"))(a)),
    ("startswith", "1.1.21", _text("iati-identifier", "XX-OTHER-1")),
    ("regex_matches", "1.3.13", _text("iati-identifier", "US-GOV-11-CPC/1")),
    ("no_spaces", "1.3.1", lambda a: _text("iati-identifier",
                                           a.findtext("iati-identifier") + " ")(a)),
    ("atleast_one", "6.11.1", _remove("activity-date[@type='1' or @type='2']")),
    ("one_or_all", "4.1.1", _remove("@xml:lang")),
    ("one_or_all", "7.8.1", _both(_remove("@default-currency"),
                                  lambda a: a.xpath(".//value")[0].attrib.pop("currency"))),
    ("date_now", "11.1.1", _set(".", "last-updated-datetime", f"{NEXT_YEAR}-01-01T00:00:00Z")),
    ("date_order", "11.1.2", _set("activity-date[@type='1']", "iso-date", "2099-01-01")),
    ("date_order", "11.2.1", _set("transaction[1]/transaction-date", "iso-date",
                                  f"{NEXT_YEAR}-06-01")),
    ("time_limit", "7.5.3", _set("budget[1]/period-end", "iso-date", "2099-01-01")),
    ("strict_sum", "2.1.2", _copy_after("sector", percentage="50")),
    ("range", "12.1.1", _set("recipient-country", "percentage", "120")),
    ("if_then", "3.1.4", _set("recipient-country", "percentage", "50")),
    ("no_more_than_one", "107.1.2", _copy_after("default-aid-type")),
    ("loop", "2.1.4", _copy_after("sector", vocabulary="2", percentage="50")),
    ("loop", "107.1.2", _both(_copy_after("default-aid-type", vocabulary="2"),
                              _copy_after("default-aid-type[@vocabulary='2']"))),
    ("atleast_one", "6.10.1", _both(_remove("participating-org[@role='2']/narrative"),
                                    _remove("participating-org[@role='2']/@ref"))),
    ("atleast_one", "8.10.1", _remove(".//actual/@value")),
]


def test_the_checker_catches_a_planted_violation_of_each_rule_type(full_compact, staff_api):
    content = file_of(staff_api)
    assert iati_rules.check(content) == []
    missed = []
    for rule, rule_id, plant in PLANTS:
        root = etree.fromstring(content)
        plant(root.find("iati-activity"))
        found = {v.rule_id for v in iati_rules.check(root)}
        if rule_id not in found:
            missed.append((rule, rule_id, found))
    assert missed == []
    # Every rule type the ruleset states for activity files is planted at least once (the
    # others are tried in the next test).
    assert iati_rules.rule_types(activity_files=True) <= {rule for rule, _id, _p in PLANTS}


def _one_rule(rule, **case):
    case["ruleInfo"] = {"id": rule}
    return {"/iati-activities/iati-activity": {rule: {"cases": [case]}}}


SAMPLE = b"""<iati-activities version="2.03"><iati-activity>
<iati-identifier>XM-DAC-1-A</iati-identifier><title><narrative>T</narrative></title>
<budget><period-start iso-date="2023-01-01"/><period-end iso-date="2023-06-30"/>
<value value-date="2023-08-01">5</value></budget>
<sector percentage="60"/><sector percentage="40"/></iati-activity></iati-activities>"""


@pytest.mark.parametrize(("rule", "case", "holds"), [
    ("only_one_of", {"excluded": ["sector"], "paths": ["title"]}, False),
    ("only_one_of", {"excluded": ["policy-marker"], "paths": ["title"]}, True),
    ("only_one_of", {"paths": ["sector"]}, False),
    ("dependent", {"paths": ["title", "description"]}, False),
    ("dependent", {"paths": ["title", "iati-identifier"]}, True),
    ("regex_no_matches", {"paths": ["iati-identifier"], "regex": "-A$"}, False),
    ("regex_no_matches", {"paths": ["iati-identifier"], "regex": "/"}, True),
    ("between_dates", {"date": "budget/value/@value-date", "start": "budget/period-start/@iso-date",
                       "end": "budget/period-end/@iso-date"}, False),
    ("sum", {"paths": ["sector/@percentage"], "sum": 100}, True),
    ("sum", {"paths": ["sector/@percentage"], "sum": 90}, False),
    ("startswith", {"paths": ["iati-identifier"], "prefix": ["ORG-ID-PREFIX"],
                    "separator": "-"}, None),
])
def test_the_rule_types_this_ruleset_does_not_use_work_too(rule, case, holds):
    results = [h for *_rest, h in iati_rules.evaluate(SAMPLE, ruleset=_one_rule(rule, **case))]
    assert results == [holds]
    if holds is None:  # decidable with org-id.guide's list
        ruleset = _one_rule(rule, **case)
        assert [h for *_r, h in iati_rules.evaluate(
            SAMPLE, ruleset=ruleset, id_sets={"ORG-ID-PREFIX": ["XM-DAC"]})] == [True]
        assert [h for *_r, h in iati_rules.evaluate(
            SAMPLE, ruleset=ruleset, id_sets={"ORG-ID-PREFIX": ["GB-CHC"]})] == [False]
