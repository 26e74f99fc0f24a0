"""The IATI 2.03 activity file: valid against the IATI schema for the demo data, approved
actuals only, scoped to the reader, a constant number of queries, and the mapping of
docs/iati.md (identifiers, status, dates, budgets, commitments, results)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from lxml import etree

from compacts.management.commands.seed_demo import load_demo
from compacts.models import Compact
from publishing import iati
from tests.compacts.factories import (
    AwardFactory,
    CompactFactory,
    ExtensionFactory,
    ImplementerFactory,
    ObjectiveFactory,
    PartnerCountryFactory,
)
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory
from tests.publishing.schema import ACTIVITIES_SCHEMA, schema_errors

URL = "/api/v1/iati/activities.xml"
PAGE = "/publishing/iati/activities.xml"


def parse(response) -> etree._Element:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(response.content)


def activity_of(root, compact) -> etree._Element:
    found = root.xpath("iati-activity[iati-identifier=$id]",
                       id=iati.activity_identifier(compact))
    assert len(found) == 1
    return found[0]


def identifiers(root) -> set[str]:
    return set(root.xpath("iati-activity/iati-identifier/text()"))


# Validity ------------------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    load_demo(password="pw-for-tests")


def test_the_demo_file_is_valid_against_the_iati_203_schema(demo, staff_api):
    response = staff_api.get(URL)
    root = parse(response)

    assert schema_errors(response.content) == []
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime")
    # Every demo compact with dates; Nepal, in negotiation without dates, cannot be one yet.
    dated = Compact.objects.filter(start_date__isnull=False)
    assert identifiers(root) == {iati.activity_identifier(c) for c in dated}
    assert len(root) == dated.count() == 7
    colombia = activity_of(root, Compact.objects.get(country__iso_code="CO"))
    assert colombia.findtext("iati-identifier").startswith("US-GOV-11-CPC-CO-")
    assert colombia.find("reporting-org").get("ref") == "US-GOV-11"
    assert colombia.find("reporting-org").get("type") == "10"
    assert colombia.findtext("reporting-org/narrative") == "U.S. Department of State"
    assert colombia.find("recipient-country").get("code") == "CO"
    assert colombia.find("sector").attrib == {"vocabulary": "1", "code": "15160",
                                              "percentage": "100"}
    assert colombia.findall("result"), "the demo indicators are published as results"
    assert colombia.findall("transaction")
    assert colombia.findall("budget"), "the demo's sample obligations are budgets"
    assert colombia.findall("transaction/transaction-type[@code='3']")


def test_the_schema_is_the_iati_203_activity_schema_kept_in_the_repository():
    text = ACTIVITIES_SCHEMA.read_text()
    assert 'version="2.03"' in text
    assert "Release 2.03" in text
    for name in ("iati-common.xsd", "xml.xsd", "LICENSE"):
        assert (ACTIVITIES_SCHEMA.parent / name).is_file()


def _swap_with_next(root, tag):
    element = root.find(f"iati-activity/{tag}")
    following = element.getnext()
    parent = element.getparent()
    parent.remove(element)
    following.addnext(element)


def test_the_validator_catches_elements_out_of_order(demo, staff_api):
    """The validity test above could not fail if the validator passed anything: it refuses
    the demo file with two elements swapped, and with a required element left out."""
    content = staff_api.get(URL).content
    assert schema_errors(content) == []

    swapped = etree.fromstring(content)
    _swap_with_next(swapped, "reporting-org")  # reporting-org after title
    errors = schema_errors(swapped)
    assert errors and "reporting-org" in " ".join(errors)

    status_early = etree.fromstring(content)
    activity = status_early.find("iati-activity")
    status = activity.find("activity-status")
    activity.remove(status)
    activity.find("participating-org").addprevious(status)
    assert schema_errors(status_early)

    no_description = etree.fromstring(content)
    for description in no_description.findall("iati-activity/description"):
        description.getparent().remove(description)
    assert schema_errors(etree.tostring(no_description))


def test_a_target_after_an_actual_is_refused_too(ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact)
    TargetFactory(indicator=indicator, fiscal_year=2024, value=Decimal("50"))
    ResultFactory(indicator=indicator, fiscal_year=2024, value=Decimal("40"))
    root = iati.activities_document(_loaded([ghana_compact]))
    assert schema_errors(root) == []
    period = root.find("iati-activity/result/indicator/period")
    target = period.find("target")
    period.remove(target)
    period.append(target)
    assert schema_errors(root)


# Results: approved actuals only -----------------------------------------------------------


def _loaded(compacts):
    from publishing.selectors import iati_compact_list
    from tests.compacts.factories import UserFactory

    staff = UserFactory(username="iati.staff", is_superuser=True)
    return list(iati_compact_list(user=staff).filter(pk__in=[c.pk for c in compacts]))


def test_pending_and_returned_results_never_appear_as_actuals(ghana_compact, staff_api):
    indicator = IndicatorFactory(compact=ghana_compact, code="PROT-1")
    for year in (2023, 2024, 2025):
        TargetFactory(indicator=indicator, fiscal_year=year, value=Decimal("100"))
    ResultFactory(indicator=indicator, fiscal_year=2023, value=Decimal("11"), status="approved")
    ResultFactory(indicator=indicator, fiscal_year=2024, value=Decimal("22"),
                  status="submitted")
    ResultFactory(indicator=indicator, fiscal_year=2025, value=Decimal("33"), status="returned")
    ResultFactory(indicator=IndicatorFactory(compact=ghana_compact, code="PROT-2"),
                  fiscal_year=2024, value=Decimal("44"), status="submitted")

    root = parse(staff_api.get(URL))

    assert root.xpath("//actual/@value") == ["11"]
    periods = {p.find("period-start").get("iso-date"): p
               for p in root.xpath("//indicator[reference/@code='PROT-1']/period")}
    assert sorted(periods) == ["2022-10-01", "2023-10-01", "2024-10-01"]  # FY2023-2025
    assert [t.get("value") for t in root.xpath("//period/target")] == ["100"] * 3
    assert periods["2023-10-01"].find("actual") is None
    assert periods["2024-10-01"].find("actual") is None
    # The other indicator has only a submitted result: no period at all, not an empty one.
    assert root.xpath("//indicator[reference/@code='PROT-2']/period") == []


def test_the_builder_itself_drops_results_that_are_not_approved(ghana_compact):
    """Even handed every result (not the selector's approved ones), nothing but an approved
    result becomes an actual."""
    indicator = IndicatorFactory(compact=ghana_compact)
    ResultFactory(indicator=indicator, fiscal_year=2023, value=Decimal("11"))
    ResultFactory(indicator=indicator, fiscal_year=2024, value=Decimal("22"), status="submitted")
    ResultFactory(indicator=indicator, fiscal_year=2025, value=Decimal("33"), status="returned")
    indicator.refresh_from_db()
    assert indicator.results.count() == 3

    element = iati.result(indicator)

    assert element.xpath("//actual/@value") == ["11"]
    assert len(element.findall("indicator/period")) == 1


def test_an_indicator_is_a_result_with_measure_baseline_and_yearly_periods(ghana_compact):
    count = IndicatorFactory(compact=ghana_compact, code="PROS-1", name="Cases prosecuted",
                             unit="count", baseline_value=Decimal("12.0000"), baseline_year=2022)
    IndicatorFactory(compact=ghana_compact, code="PROT-3", name="Victims in shelters",
                     unit="percent", direction="decrease", baseline_value=Decimal("40"))
    IndicatorFactory(compact=ghana_compact, code="PART-1", name="Task force formed",
                     unit="yes_no", baseline_year=2022)
    TargetFactory(indicator=count, fiscal_year=2025, value=Decimal("30"))
    ResultFactory(indicator=count, fiscal_year=2025, value=Decimal("25"),
                  source="Sample figure for demonstration; not an official number.")

    activity = iati.activities_document(_loaded([ghana_compact])).find("iati-activity")

    pros = activity.xpath("result[indicator/reference/@code='PROS-1']")[0]
    assert pros.get("type") == "9"
    assert pros.findtext("title/narrative") == "Cases prosecuted"
    indicator = pros.find("indicator")
    assert indicator.get("measure") == "1"
    assert indicator.get("ascending") == "1"
    assert indicator.find("baseline").attrib == {"year": "2022", "value": "12"}
    period = indicator.find("period")
    assert period.find("period-start").get("iso-date") == "2024-10-01"
    assert period.find("period-end").get("iso-date") == "2025-09-30"
    assert period.find("target").get("value") == "30"
    assert period.find("actual").get("value") == "25"
    assert "Sample figure" in period.findtext("actual/comment/narrative")

    percent = activity.xpath("result/indicator[reference/@code='PROT-3']")[0]
    assert (percent.get("measure"), percent.get("ascending")) == ("2", "0")
    assert percent.find("baseline") is None  # a value without its year: not written
    yes_no = activity.xpath("result/indicator[reference/@code='PART-1']")[0]
    assert yes_no.get("measure") == "3"
    assert "1 is yes" in yes_no.findtext("description/narrative")
    assert yes_no.find("baseline") is None  # a year without a value: not written
    assert len(activity.findall("result")) == 3


# Mapping ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "code"), [("draft", "1"), ("negotiating", "1"),
                                              ("signed", "1"), ("active", "2"),
                                              ("closed", "4")])
def test_compact_status_maps_to_the_iati_activity_status(ghana, status, code):
    compact = CompactFactory(country=ghana, status=status)
    activity = iati.activity(_loaded([compact])[0])
    assert activity.find("activity-status").get("code") == code


def test_dates_follow_the_compact_and_its_extensions(peru):
    compact = CompactFactory(country=peru, status="closed", start_date=dt.date(2017, 6, 15),
                             signed_on=dt.date(2017, 6, 15), end_date=dt.date(2022, 6, 15))
    ExtensionFactory(compact=compact, signed_on=dt.date(2022, 6, 10),
                     new_end_date=dt.date(2025, 6, 15))

    activity = iati.activity(_loaded([compact])[0])

    dates = {d.get("type"): d for d in activity.findall("activity-date")}
    assert {k: d.get("iso-date") for k, d in dates.items()} == {
        "1": "2017-06-15", "2": "2017-06-15", "3": "2025-06-15", "4": "2025-06-15"}
    assert dates["3"].findtext("narrative") == (
        "Original term to 2022-06-15; extended on 2022-06-10 to 2025-06-15.")
    assert "Signed on 2017-06-15." in activity.findtext("description[@type='1']/narrative")


def test_an_active_compact_has_planned_dates_and_its_actual_start_only(ghana_compact):
    activity = iati.activity(_loaded([ghana_compact])[0])
    assert {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")} == {
        "1": "2022-04-26", "2": "2022-04-26", "3": "2027-04-26"}
    assert activity.find("activity-date[@type='3']/narrative") is None


def test_a_compact_without_dates_is_left_out(ghana, staff_api):
    dated = CompactFactory(country=ghana, status="signed")
    CompactFactory(country=ghana, status="negotiating", signed_on=None, start_date=None,
                   end_date=None, title="In negotiation")
    root = parse(staff_api.get(URL))
    assert identifiers(root) == {iati.activity_identifier(dated)}


def test_awards_are_commitments_to_their_implementers(ghana):
    compact = CompactFactory(country=ghana, start_date=dt.date(2022, 4, 26),
                             end_date=dt.date(2027, 4, 26))
    ngo = ImplementerFactory(name="Fundación Renacer", kind="civil_society")
    io = ImplementerFactory(name="International Organization for Migration",
                            kind="international_organization")
    AwardFactory(compact=compact, implementer=ngo, award_number="SAMPLE-A",
                 amount_usd=Decimal("2500000.00"), start_date=dt.date(2022, 10, 1),
                 mechanism="grant")
    AwardFactory(compact=compact, implementer=io, award_number="SAMPLE-B",
                 amount_usd=Decimal("1000000.50"), start_date=dt.date(2023, 9, 30))
    AwardFactory(compact=compact, implementer=ngo, award_number="SAMPLE-C",
                 amount_usd=Decimal("750000"), start_date=dt.date(2022, 5, 1))

    activity = iati.activity(_loaded([compact])[0])

    # Budgets come from the awards' obligations (test_iati_money.py): none are recorded.
    assert activity.findall("budget") == []
    transactions = activity.findall("transaction")
    assert [t.get("ref") for t in transactions] == ["SAMPLE-C", "SAMPLE-A", "SAMPLE-B"]
    grant = transactions[1]
    assert grant.find("transaction-type").get("code") == "2"
    assert grant.find("transaction-date").get("iso-date") == "2022-10-01"
    assert grant.findtext("value") == "2500000"
    assert grant.find("value").attrib == {"currency": "USD", "value-date": "2022-10-01"}
    assert grant.find("provider-org").get("ref") == "US-GOV-11"
    assert grant.findtext("receiver-org/narrative") == "Fundación Renacer"
    assert grant.find("receiver-org").get("type") is None  # its NGO type is not recorded
    assert transactions[2].find("receiver-org").get("type") == "40"

    orgs = [(o.get("role"), o.get("type"), o.findtext("narrative"))
            for o in activity.findall("participating-org")]
    assert orgs == [
        ("1", "10", "U.S. Department of State"),
        ("2", "10", "Government of Ghana"),
        ("4", None, "Fundación Renacer"),  # once, though it holds two awards
        ("4", "40", "International Organization for Migration"),
    ]


def test_a_compact_without_awards_has_no_budget_nor_transaction(ghana_compact):
    activity = iati.activity(_loaded([ghana_compact])[0])
    assert activity.findall("budget") == []
    assert activity.findall("transaction") == []
    assert [o.get("role") for o in activity.findall("participating-org")] == ["1", "2"]
    assert schema_errors(iati.activities_document(_loaded([ghana_compact]))) == []


def test_figures_not_recorded_are_left_out_not_written_as_zero(ghana):
    compact = CompactFactory(country=ghana, us_funding_usd=Decimal("0"),
                             partner_contribution_planned_usd=None, signed_on=None)
    activity = iati.activity(_loaded([compact])[0])
    general = activity.findtext("description[@type='1']/narrative")
    assert "ceiling" not in general
    assert "planned" not in general
    assert "Signed" not in general
    assert activity.find("description[@type='2']") is None  # no objectives recorded
    assert "$0" not in etree.tostring(activity, encoding="unicode")


def test_the_description_states_the_ceiling_planned_contribution_and_objectives(ghana):
    compact = CompactFactory(country=ghana, us_funding_usd=Decimal("10000000"),
                             partner_contribution_planned_usd=Decimal("800000.00"))
    ObjectiveFactory(compact=compact, pillar="prosecution", description="Convict traffickers.")
    ObjectiveFactory(compact=compact, pillar="protection", description="Care for victims.")
    activity = iati.activity(_loaded([compact])[0])
    general = activity.findtext("description[@type='1']/narrative")
    assert "U.S. funding ceiling at signing: up to US$10,000,000." in general
    assert "Contribution planned by Ghana: US$800,000." in general
    assert activity.findtext("description[@type='2']/narrative") == (
        "Prosecution: Convict traffickers. Protection: Care for victims.")


def test_the_identifier_is_stable_when_the_compact_changes(ghana):
    compact = CompactFactory(country=ghana, status="signed")
    before = iati.activity_identifier(compact)
    assert before == f"US-GOV-11-CPC-GH-{compact.pk}"
    Compact.objects.filter(pk=compact.pk).update(status="active", title="Renamed",
                                                 signed_on=dt.date(2023, 1, 1))
    assert iati.activity_identifier(Compact.objects.get(pk=compact.pk)) == before


def test_the_reporting_org_comes_from_the_setting(settings, ghana_compact):
    settings.IATI_REPORTING_ORG_REF = "XM-TEST-1"
    activity = iati.activity(_loaded([ghana_compact])[0])
    assert activity.findtext("iati-identifier").startswith("XM-TEST-1-CPC-GH-")
    assert activity.find("reporting-org").get("ref") == "XM-TEST-1"


# Scope and roles ------------------------------------------------------------------------------


def test_an_embassy_officer_gets_only_their_countries_activities(ghana_compact, peru_compact,
                                                                 officer_api):
    root = parse(officer_api.get(URL))
    assert identifiers(root) == {iati.activity_identifier(ghana_compact)}
    assert b"-CPC-PE-" not in officer_api.get(URL).content


def test_the_auditor_reads_every_activity(ghana_compact, peru_compact, auditor_api):
    root = parse(auditor_api.get(URL))
    assert identifiers(root) == {iati.activity_identifier(ghana_compact),
                                 iati.activity_identifier(peru_compact)}


def test_anonymous_callers_get_401_and_users_without_a_role_403(ghana_compact, api_for,
                                                               no_role_user):
    anonymous = api_for(None).get(URL)
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/json"
    assert api_for(no_role_user).get(URL).status_code == 403


def test_a_client_asking_for_xml_gets_the_file_and_json_errors(ghana_compact, staff_api,
                                                                api_for):
    response = staff_api.get(URL, HTTP_ACCEPT="application/xml")
    assert identifiers(parse(response)) == {iati.activity_identifier(ghana_compact)}
    refused = api_for(None).get(URL, HTTP_ACCEPT="application/xml")
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/json"


def test_only_writes_are_refused(ghana_compact, auditor_api, staff_api):
    assert auditor_api.post(URL, {}).status_code == 403
    assert staff_api.post(URL, {}).status_code == 405


def test_tip_staff_download_the_same_file_from_the_compacts_page(ghana_compact, peru_compact,
                                                                 staff_user, staff_api):
    client = Client()
    client.force_login(staff_user)
    listing = client.get("/compacts/")
    assert PAGE.encode() in listing.content
    assert b"Download IATI XML" in listing.content

    response = client.get(PAGE)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="cpc-iati-activities-')
    assert identifiers(etree.fromstring(response.content)) == identifiers(
        parse(staff_api.get(URL)))


@pytest.mark.parametrize("who", ["auditor_user", "ghana_officer"])
def test_other_roles_see_no_download_button_and_cannot_use_the_page(request, ghana_compact,
                                                                    who):
    client = Client()
    client.force_login(request.getfixturevalue(who))
    assert b"Download IATI XML" not in client.get("/compacts/").content
    assert client.get(PAGE).status_code == 403


def test_the_page_sends_anonymous_visitors_to_sign_in(db):
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Queries --------------------------------------------------------------------------------------


def _portfolio(size: int):
    for _ in range(size):
        compact = CompactFactory(country=PartnerCountryFactory())
        ObjectiveFactory(compact=compact)
        ExtensionFactory(compact=compact)
        AwardFactory(compact=compact)
        AwardFactory(compact=compact)
        for _ in range(2):
            indicator = IndicatorFactory(compact=compact, baseline_year=2022,
                                         baseline_value=Decimal("5"))
            TargetFactory(indicator=indicator, fiscal_year=2024)
            ResultFactory(indicator=indicator, fiscal_year=2024)
            ResultFactory(indicator=indicator, fiscal_year=2025, status="submitted")


@pytest.mark.parametrize("path", [URL, PAGE])
def test_queries_do_not_grow_with_the_portfolio(staff_user, django_assert_num_queries, path):
    client = Client()
    client.force_login(staff_user)
    _portfolio(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    _portfolio(10)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(path)
    assert len(etree.fromstring(response.content)) == 12


def test_control_characters_in_a_record_never_break_the_file(ghana_compact, staff_api):
    """A name typed with a control character (the API fuzzer sent one) is stored as typed;
    the file carries a replacement character instead and stays valid XML."""
    indicator = IndicatorFactory(compact=ghana_compact, code="PROS-9",
                                 name="Cases\x0b referred\x08 \x1f")
    TargetFactory(indicator=indicator, fiscal_year=2024)
    response = staff_api.get("/api/v1/iati/activities.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    titles = [t.text for t in root.iter("narrative") if t.text and "PROS-9" in t.text]
    assert titles == ["PROS-9 Cases\ufffd referred\ufffd \ufffd"]


def test_periods_carry_the_figures_of_the_page_running_totals_and_rounding(ghana_compact,
                                                                             staff_api):
    """One number everywhere: a cumulative indicator's periods carry the running totals the
    tracking table shows (from its first year with a target, said in a comment), and every
    figure the table's rounding."""
    from indicators.progress import indicator_progress

    running = IndicatorFactory(compact=ghana_compact, code="PREV-1", cumulation="cumulative")
    for year, value in ((2023, "500"), (2024, "203")):
        ResultFactory(indicator=running, fiscal_year=year, value=Decimal(value))
    TargetFactory(indicator=running, fiscal_year=2025, value=Decimal("160"))
    ResultFactory(indicator=running, fiscal_year=2025, value=Decimal("160"))
    share = IndicatorFactory(compact=ghana_compact, code="PROT-2", unit="percent")
    TargetFactory(indicator=share, fiscal_year=2025, value=Decimal("80.125"))
    ResultFactory(indicator=share, fiscal_year=2025, value=Decimal("76.6667"),
                  numerator=Decimal("23"), denominator=Decimal("30"))

    root = parse(staff_api.get(URL))

    def period(code, start):
        return root.xpath(f"//indicator[reference/@code='{code}']"
                          f"/period[period-start/@iso-date='{start}']")[0]

    fy25 = period("PREV-1", "2024-10-01")
    assert (fy25.find("target").get("value"), fy25.find("actual").get("value")) == (
        "160", "160")
    assert fy25.find("actual/comment/narrative").text.startswith("Running total since FY2025,")
    # Before the first target each year stands alone, as on the page.
    assert period("PREV-1", "2023-10-01").find("actual").get("value") == "203"
    page = indicator_progress(running).for_year(2025)
    assert (page.target, page.actual) == (Decimal("160"), Decimal("160"))
    share_fy25 = period("PROT-2", "2024-10-01")
    assert (share_fy25.find("target").get("value"), share_fy25.find("actual").get("value")) == (
        "80.13", "76.67")
