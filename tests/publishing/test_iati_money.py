"""The IATI activity's money, organisations, contact, document and last change: budgets per
fiscal year from the awards' obligations, disbursements and expenditures from their
finances, organisation references and types, contact-info from the settings, a document-link
to a public compact document, and last-updated-datetime moving with any published record."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from compacts.models import CompactDocument, Implementer
from publishing import iati
from tests.compacts.factories import (
    AwardFactory,
    AwardFinanceFactory,
    CompactFactory,
    ImplementerFactory,
)
from tests.indicators.factories import IndicatorFactory, TargetFactory
from tests.publishing.schema import schema_errors


def _loaded(compacts):
    from publishing.selectors import iati_compact_list
    from tests.compacts.factories import UserFactory

    staff = UserFactory(username="iati.money.staff", is_superuser=True)
    return list(iati_compact_list(user=staff).filter(pk__in=[c.pk for c in compacts]))


def _activity(compact):
    return iati.activity(_loaded([compact])[0])


@pytest.fixture
def compact(ghana):
    return CompactFactory(country=ghana, start_date=dt.date(2022, 4, 26),
                          end_date=dt.date(2024, 4, 25))


def test_budgets_are_each_fiscal_years_obligations_cut_to_the_term(compact):
    first = AwardFactory(compact=compact, amount_usd=Decimal("3000000"))
    second = AwardFactory(compact=compact, amount_usd=Decimal("1000000"))
    AwardFinanceFactory(award=first, fiscal_year=2022, obligated_usd=Decimal("1000000"))
    AwardFinanceFactory(award=first, fiscal_year=2023, obligated_usd=Decimal("1500000.50"))
    AwardFinanceFactory(award=second, fiscal_year=2023, obligated_usd=Decimal("500000"))
    AwardFinanceFactory(award=second, fiscal_year=2024, obligated_usd=Decimal("0"),
                        disbursed_usd=Decimal("0"), spent_usd=Decimal("100000"))
    # A close-out year wholly after the compact's end keeps its own bounds.
    AwardFinanceFactory(award=second, fiscal_year=2025, obligated_usd=Decimal("7"),
                        disbursed_usd=Decimal("0"), spent_usd=Decimal("0"),
                        as_of=dt.date(2025, 1, 1))

    budgets = [(b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date"),
                b.findtext("value"), b.find("value").get("value-date"), b.get("status"))
               for b in _activity(compact).findall("budget")]

    assert budgets == [
        ("2022-04-26", "2022-09-30", "1000000", "2022-04-26", "2"),  # cut to the start
        ("2022-10-01", "2023-09-30", "2000000.5", "2022-10-01", "2"),  # two awards
        # FY2024: nothing obligated, no budget
        ("2024-10-01", "2025-09-30", "7", "2024-10-01", "2"),
    ]


def test_disbursements_and_expenditures_per_year_dated_by_the_year_or_as_of(compact):
    implementer = ImplementerFactory(name="An NGO", kind="civil_society", ngo_type="22")
    award = AwardFactory(compact=compact, implementer=implementer, award_number="SAMPLE-M")
    AwardFinanceFactory(award=award, fiscal_year=2023, disbursed_usd=Decimal("250000"),
                        spent_usd=Decimal("200000"), as_of=dt.date(2023, 11, 15),
                        source_reference="FMS-1")
    # The current year, figures as of a day within it; nothing spent yet.
    AwardFinanceFactory(award=award, fiscal_year=2024, disbursed_usd=Decimal("10"),
                        spent_usd=Decimal("0"), as_of=dt.date(2024, 2, 1))

    flows = [(t.find("transaction-type").get("code"), t.find("transaction-date").get("iso-date"),
              t.findtext("value"), t.findtext("provider-org/narrative"),
              t.findtext("receiver-org/narrative"))
             for t in _activity(compact).findall("transaction")]

    assert flows == [
        ("2", "2022-04-26", "1000000", "U.S. Department of State", "An NGO"),
        ("3", "2023-09-30", "250000", "U.S. Department of State", "An NGO"),
        ("4", "2023-09-30", "200000", "An NGO", None),
        ("3", "2024-02-01", "10", "U.S. Department of State", "An NGO"),
    ]
    disbursement = _activity(compact).findall("transaction")[1]
    assert "Source: FMS-1" in disbursement.findtext("description/narrative")
    assert disbursement.find("receiver-org").get("type") == "22"


def test_no_transaction_is_dated_after_today(ghana):
    today = timezone.localdate()
    compact = CompactFactory(country=ghana, status="signed", start_date=today,
                             end_date=today + dt.timedelta(days=800))
    award = AwardFactory(compact=compact, start_date=today + dt.timedelta(days=30))
    year = today.year + 1 if today.month >= 10 else today.year
    AwardFinanceFactory(award=award, fiscal_year=year, as_of=today)
    activity = _activity(compact)
    dates = activity.xpath("transaction/transaction-date/@iso-date")
    assert dates and max(dates) <= today.isoformat()
    assert schema_errors(iati.activities_document(_loaded([compact]))) == []


def test_every_organisation_carries_its_reference_and_type(compact):
    compact.country.government_iati_ref = "XI-IATI-SAMPLE1"
    compact.country.save()
    io = ImplementerFactory(name="International Organization for Migration",
                            kind="international_organization", iati_ref="XM-DAC-47066")
    unknown = ImplementerFactory(name="An NGO of unknown scope", kind="civil_society")
    AwardFinanceFactory(award=AwardFactory(compact=compact, implementer=io))
    AwardFactory(compact=compact, implementer=unknown)

    activity = _activity(compact)

    orgs = [(o.get("role"), o.get("ref"), o.get("type"))
            for o in activity.findall("participating-org")]
    assert orgs == [("1", "US-GOV-11", "10"), ("2", "XI-IATI-SAMPLE1", "10"),
                    ("4", None, None), ("4", "XM-DAC-47066", "40")]
    refs = activity.xpath("transaction[transaction-type/@code='3']/receiver-org/@ref")
    assert refs == ["XM-DAC-47066"]
    assert activity.xpath("transaction[transaction-type/@code='4']/provider-org/@type") == ["40"]


@pytest.mark.parametrize("ref", ["XM-DAC 47066", "XM-DAC-47066/1", "47066", "xm-dac-47066"])
def test_an_organisation_identifier_must_look_like_one(db, ref):
    with pytest.raises(ValidationError) as error:
        Implementer(name="Someone", kind="other", iati_ref=ref).full_clean()
    assert "iati_ref" in error.value.message_dict


def test_only_a_civil_society_organisation_has_an_ngo_type(db):
    with pytest.raises(ValidationError) as error:
        Implementer(name="A firm", kind="private_firm", ngo_type="21").full_clean()
    assert "ngo_type" in error.value.message_dict
    Implementer(name="An NGO", kind="civil_society", ngo_type="21").full_clean()


def test_contact_info_comes_from_the_settings(compact, settings):
    settings.IATI_CONTACT_EMAIL = "sample@example.org"
    settings.IATI_CONTACT_DEPARTMENT = ""
    contact = _activity(compact).find("contact-info")
    assert [child.tag for child in contact] == ["organisation", "email", "website",
                                                "mailing-address"]
    assert contact.findtext("email") == "sample@example.org"
    for name in ("ORGANISATION", "EMAIL", "WEBSITE", "MAILING_ADDRESS"):
        setattr(settings, f"IATI_CONTACT_{name}", "")
    assert _activity(compact).find("contact-info") is None


def test_a_public_document_is_linked_a_private_one_is_not(compact):
    compact.signed_on = dt.date(2022, 4, 26)
    compact.save()
    document = CompactDocument.objects.create(compact=compact)
    assert _activity(compact).find("document-link") is None
    document.is_public = True
    document.save()
    assert _activity(compact).find("document-link") is None  # public, but no address
    document.public_url = "https://www.state.gov/sample-compact.pdf"
    document.save()

    link = _activity(compact).find("document-link")

    assert link.attrib == {"format": "application/pdf",
                           "url": "https://www.state.gov/sample-compact.pdf"}
    assert link.find("category").get("code") == "A09"
    assert link.find("language").get("code") == "en"
    assert link.find("document-date").get("iso-date") == "2022-04-26"
    assert schema_errors(iati.activities_document(_loaded([compact]))) == []


def test_last_updated_moves_with_any_published_record(compact):
    indicator = IndicatorFactory(compact=compact)
    before = _activity(compact).get("last-updated-datetime")
    assert before
    target = TargetFactory(indicator=indicator, fiscal_year=2023)
    after_target = _activity(compact).get("last-updated-datetime")
    assert after_target >= before
    latest = target.history.latest().history_date
    assert dt.datetime.fromisoformat(after_target) == latest.replace(microsecond=0)
    award = AwardFactory(compact=compact)
    finance = AwardFinanceFactory(award=award)
    assert dt.datetime.fromisoformat(_activity(compact).get("last-updated-datetime")) == (
        finance.history.latest().history_date.replace(microsecond=0))


def test_the_demo_files_money_agrees_with_the_finance_figures(db, staff_api):
    """What the compact page, API, CSV and PDF show (compacts.finances) is what the IATI file
    adds up to: obligated in the budgets, disbursed in the type 3 and spent in the type 4
    transactions, and the awarded total in the commitments."""
    from lxml import etree

    from compacts.finances import compact_finances
    from compacts.management.commands.seed_demo import load_demo
    from compacts.models import Compact

    load_demo(password="pw-for-tests")
    root = etree.fromstring(staff_api.get("/api/v1/iati/activities.xml").content)
    today = timezone.localdate()
    checked = 0
    for compact in Compact.objects.with_current_end().filter(start_date__isnull=False):
        activity = root.xpath("iati-activity[iati-identifier=$id]",
                              id=iati.activity_identifier(compact))[0]
        figures = compact_finances(compact, today=today)

        def total(path, activity=activity):
            return sum((Decimal(v) for v in activity.xpath(path)), Decimal(0))

        assert total("budget/value/text()") == figures.totals.obligated, compact
        assert total("transaction[transaction-type/@code='3']/value/text()") == (
            figures.totals.disbursed), compact
        assert total("transaction[transaction-type/@code='4']/value/text()") == (
            figures.totals.spent), compact
        assert total("transaction[transaction-type/@code='2']/value/text()") == (
            figures.awarded), compact
        checked += figures.has_figures
    assert checked >= 5, "the demo's compacts have sample finances"


def test_staff_set_the_governments_identifier_through_the_api(ghana, staff_api):
    url = f"/api/v1/countries/{ghana.pk}/"
    response = staff_api.patch(url, {"government_iati_ref": "GH GOV 1"}, format="json")
    assert response.status_code == 400
    assert "government_iati_ref" in response.json()
    response = staff_api.patch(url, {"government_iati_ref": "XI-IATI-SAMPLE2"}, format="json")
    assert response.status_code == 200, response.json()
    assert staff_api.get(url).json()["government_iati_ref"] == "XI-IATI-SAMPLE2"


def test_staff_create_a_country_with_the_governments_identifier(db, staff_api):
    payload = {"iso_code": "KE", "region": "africa", "government_iati_ref": "XI-IATI-SAMPLE3"}
    response = staff_api.post("/api/v1/countries/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["government_iati_ref"] == "XI-IATI-SAMPLE3"
    bad = staff_api.post("/api/v1/countries/", payload | {"iso_code": "TZ",
                                                         "government_iati_ref": "TZ GOV"},
                         format="json")
    assert bad.status_code == 400
    assert "government_iati_ref" in bad.json()
