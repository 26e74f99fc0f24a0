"""GAO's recommendation page for TIP staff: each recommendation's two forms wait behind a
disclosure ("Add an action", "Change GAO's status"); a form sent back with errors comes back
open, its error summary beside its fields and linking to each, every aria-describedby id
present, and the page title says there is an error. The status form starts from the record,
never from today. The recommendation texts read in the reader's language, GAO's English kept
beside them."""

import datetime as dt
import importlib

import pytest
from django.conf import settings
from django.utils import translation
from lxml import html

from oversight.models import GaoRecommendation
from oversight.recommendation_texts import OFFICIAL_TEXTS, text_in_language

pytestmark = pytest.mark.django_db

PAGE = "/oversight/recommendations/"


def rec(number) -> GaoRecommendation:
    return GaoRecommendation.objects.get(number=number)


def tree(response):
    return html.fromstring(response.content)


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def disclosure(page, number: int, kind: str):
    """The <details> of a recommendation's form ("add-action" or "change-status")."""
    found = page.xpath(f"//details[@id='rec{number}-{kind}']")
    assert len(found) == 1, (number, kind)
    return found[0]


def test_every_form_waits_closed_behind_its_disclosure(staff):
    page = tree(staff.get(PAGE))
    for number in range(1, 7):
        for kind, form_id in (("add-action", "gao-action-form"),
                              ("change-status", "gao-status-form")):
            details = disclosure(page, number, kind)
            assert details.get("open") is None
            assert str(number) in details.xpath("./summary")[0].text_content()
            # The form is inside the disclosure, and sends the browser back to its error
            # summary.
            form = details.xpath(f".//form[@data-testid='{form_id}']")[0]
            assert form.get("action").endswith(f"#rec{number}-{kind}-errors")
    assert len(page.xpath("//form[@data-testid='gao-action-form']")) == 6
    assert page.xpath("//form[contains(@data-testid, 'gao-')][not(ancestor::details)]") == []
    assert not page.xpath("//*[@data-error-summary]")


def test_an_invalid_action_comes_back_open_with_its_errors_beside_the_fields(staff):
    response = staff.post(f"/oversight/recommendations/{rec(2).pk}/actions/",
                          {"date": "2025-13-45", "description": "", "evidence": "y"})

    assert response.status_code == 400
    page = tree(response)
    assert page.findtext(".//title").startswith("Error: ")
    opened = page.xpath("//details[@open]")
    assert [d.get("id") for d in opened] == ["rec2-add-action"]
    details = opened[0]
    # The summary is inside the open disclosure, above the fields, linking to each.
    summary = details.xpath(".//*[@data-error-summary]")
    assert len(summary) == 1 and summary[0].get("tabindex") == "-1"
    assert summary[0].get("id") == "rec2-add-action-errors"  # where the form's address leads
    links = {a.get("href") for a in summary[0].xpath(".//a")}
    assert links == {"#id_rec2_action_date", "#id_rec2_action_description"}
    for href in links:
        field = page.get_element_by_id(href[1:])
        assert field.xpath("ancestor::details")[0] is details
        # Each field names its hint and error, and both exist, next to the field.
        described = field.get("aria-describedby").split()
        assert f"{href[1:]}_error" in described
        for element_id in described:
            element = page.get_element_by_id(element_id)
            assert element.getparent() is field.getparent()
    assert "This field is required." in page.get_element_by_id(
        "id_rec2_action_description_error").text_content()
    assert page.xpath("//*[@data-error-summary]") == summary  # one summary on the page
    # The service's own rules come back the same way, beside their field.
    next_month = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    page = tree(staff.post(f"/oversight/recommendations/{rec(2).pk}/actions/",
                           {"date": next_month, "description": "x", "evidence": "y"}))
    assert [d.get("id") for d in page.xpath("//details[@open]")] == ["rec2-add-action"]
    assert "The date cannot be in the future." in page.get_element_by_id(
        "id_rec2_action_date_error").text_content()
    assert rec(2).actions.count() == 1


def test_an_invalid_status_comes_back_open_with_its_errors_beside_the_fields(staff):
    response = staff.post(f"/oversight/recommendations/{rec(4).pk}/status/", {
        "status": "closed_implemented", "status_as_of": "", "status_reported": "",
        "change_reason": ""})

    assert response.status_code == 400
    page = tree(response)
    assert page.findtext(".//title").startswith("Error: ")
    assert [d.get("id") for d in page.xpath("//details[@open]")] == ["rec4-change-status"]
    summary = page.xpath("//details[@id='rec4-change-status']//*[@data-error-summary]")[0]
    assert {a.get("href") for a in summary.xpath(".//a")} == {
        "#id_rec4_status_status_as_of", "#id_rec4_status_change_reason"}
    reason = page.get_element_by_id("id_rec4_status_change_reason")
    assert reason.get("aria-describedby") == (
        "id_rec4_status_change_reason_helptext id_rec4_status_change_reason_error")
    assert page.get_element_by_id("id_rec4_status_change_reason_helptext") is not None
    assert rec(4).status == "open"


def test_the_status_form_starts_from_the_record_never_from_today(staff):
    # Recommendation 4 as GAO's record dates it: no public day, reported May 2025.
    page = tree(staff.get(PAGE))
    assert page.get_element_by_id("id_rec4_status_status_as_of").get("value") is None
    assert page.get_element_by_id("id_rec4_status_status_reported").get("value") == "May 2025"
    assert dt.date.today().isoformat() not in staff.get(PAGE).content.decode()
    # A recorded day is the one the form starts from.
    four = rec(4)
    four.status_as_of, four.status_reported = dt.date(2025, 6, 2), ""
    four.save()
    page = tree(staff.get(PAGE))
    assert page.get_element_by_id("id_rec4_status_status_as_of").get("value") == "2025-06-02"
    assert page.get_element_by_id("id_rec4_status_status_reported").get("value") is None


def test_a_new_status_gao_gives_no_day_for_keeps_no_day(staff):
    url = f"/oversight/recommendations/{rec(4).pk}/status/"
    response = staff.post(url, {"status": "closed_implemented", "status_as_of": "",
                                "status_reported": "2026", "change_reason": "Sample"})
    assert response.status_code == 302
    four = rec(4)
    assert (four.status, four.status_as_of, four.status_reported) == (
        "closed_implemented", None, "2026")
    # A day given replaces the report.
    staff.post(url, {"status": "closed_implemented", "status_as_of": "2025-06-02",
                     "status_reported": "2026", "change_reason": "Sample"})
    assert (rec(4).status_as_of, rec(4).status_reported) == (dt.date(2025, 6, 2), "")


def test_a_note_alone_keeps_the_status_as_dated(staff):
    response = staff.post(f"/oversight/recommendations/{rec(1).pk}/status/", {
        "status": "closed_implemented", "status_as_of": "", "status_reported": "2025",
        "status_note": "Sample note", "change_reason": "Sample"})
    assert response.status_code == 302
    one = rec(1)
    assert (one.status_note, one.status_as_of, one.status_reported) == (
        "Sample note", None, "2025")


def test_auditors_see_neither_disclosure_nor_form(client, auditor_user):
    client.force_login(auditor_user)
    page = tree(client.get(PAGE))
    assert page.xpath("//details[contains(@class, 'cpc-disclosure--form')]") == []
    assert page.xpath("//main//form") == []


def test_the_catalogue_texts_are_the_ones_the_migration_loaded():
    record = importlib.import_module("oversight.migrations.0006_gao_public_record_as_told")
    assert {spec["number"]: spec["text"] for spec in record.RECORD} == OFFICIAL_TEXTS
    assert [r.text for r in GaoRecommendation.objects.order_by("number")] == [
        OFFICIAL_TEXTS[n] for n in range(1, 7)]


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES if code != "en"])
def test_the_texts_read_translated_with_the_official_english_beside_them(client, auditor_user,
                                                                        language):
    client.force_login(auditor_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = tree(client.get(PAGE))
    shown = [" ".join(p.text_content().split()) for p in page.xpath("//*[@data-testid='gao-text']")]
    official = page.xpath("//*[@data-testid='gao-official-text']//*[@lang='en']")
    assert [p.text_content() for p in official] == [OFFICIAL_TEXTS[n] for n in range(1, 7)]
    with translation.override(language):
        assert shown == [text_in_language(rec(n)) for n in range(1, 7)]
    for number, text in enumerate(shown, start=1):
        assert text != OFFICIAL_TEXTS[number]


def test_english_readers_get_the_record_as_it_is(client, auditor_user):
    client.force_login(auditor_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = tree(client.get(PAGE))
    assert [p.text_content() for p in page.xpath("//*[@data-testid='gao-text']")] == [
        OFFICIAL_TEXTS[n] for n in range(1, 7)]
    assert page.xpath("//*[@data-testid='gao-official-text']") == []


def test_a_text_changed_since_the_migration_is_shown_as_recorded(client, auditor_user):
    one = rec(1)
    one.text = "Sample: a text changed in the admin."
    one.save()
    with translation.override("es"):
        assert text_in_language(rec(1)) == "Sample: a text changed in the admin."
