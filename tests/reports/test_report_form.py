"""The report request form offers only valid combinations, remembers the last choice and
answers a wrong one with a field-level error; its defaults always make a valid request."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from reports.models import ReportJob
from tests.compacts.factories import CompactFactory

pytestmark = pytest.mark.django_db
URL = reverse("reports:report-center")


def _selected(page: str) -> dict[str, str]:
    """The value each select of the request form has selected, as a browser would post it."""
    start = page.index('id="report-form"')
    form = page[start:page.index("</form>", start)]
    chosen = {}
    for name, options in re.findall(r'<select[^>]* name="(\w+)"[^>]*>(.*?)</select>', form,
                                    re.S):
        values = re.findall(r'<option value="([^"]*)"( selected)?', options)
        chosen[name] = next((v for v, s in values if s), values[0][0] if values else "")
    return chosen


def _years(page: str) -> list[str]:
    select = re.search(r'<select[^>]* name="fiscal_year"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r'<option value="(\d+)"', select.group(1))


@pytest.mark.parametrize("who", ["staff_user", "ghana_officer"])
def test_the_default_choice_makes_a_valid_request(client, request, who, ghana_compact):
    client.force_login(request.getfixturevalue(who))
    defaults = _selected(client.get(URL).content.decode())
    response = client.post(URL, defaults)
    assert response.status_code == 302, defaults
    assert ReportJob.objects.count() == 1


def test_fiscal_years_follow_the_chosen_compact_with_htmx_or_without(client, staff_user, peru):
    short = CompactFactory(country=peru, start_date=dt.date(2022, 10, 1),
                           end_date=dt.date(2024, 9, 30), signed_on=dt.date(2022, 9, 1))
    client.force_login(staff_user)
    choice = {"kind": "compact_oversight", "compact": short.pk}
    with_htmx = client.get(URL, choice, headers={"HX-Request": "true"}).content.decode()
    without_js = client.post(URL, {**choice, "fiscal_year": 2020, "refresh": "1"})
    assert without_js.status_code == 200
    for page in (with_htmx, without_js.content.decode()):
        assert _years(page) == ["2024", "2023"]
    # A program report has no compact to choose.
    program = client.get(URL, {"kind": "program_oversight"}).content.decode()
    assert _selected(program)["compact"] == ""


def test_a_year_outside_the_term_is_a_field_error(client, staff_user, peru):
    short = CompactFactory(country=peru, start_date=dt.date(2022, 10, 1),
                           end_date=dt.date(2024, 9, 30), signed_on=dt.date(2022, 9, 1))
    client.force_login(staff_user)
    response = client.post(URL, {"kind": "compact_oversight", "compact": short.pk,
                                 "fiscal_year": 2022})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_fiscal_year_error"' in page  # the id the select's aria-describedby names
    assert 'aria-describedby="id_fiscal_year_error"' in page
    # FY2022 is not among the compact's years offered: the field says so.
    error = re.search(r'id="id_fiscal_year_error"><span[^>]*>([^<]+)<', page).group(1)
    assert "2022" in error or "valid choice" in error
    assert not ReportJob.objects.exists()


def test_the_last_choice_is_remembered(client, staff_user, peru_compact):
    client.force_login(staff_user)
    choice = {"kind": "compact_oversight", "compact": str(peru_compact.pk),
              "fiscal_year": "2024"}
    assert client.post(URL, choice).status_code == 302
    assert _selected(client.get(URL).content.decode()) == choice
