"""Forms tell their errors and limits to everyone: every id an ``aria-describedby`` names is
on the page, a form sent back with errors opens with an error summary whose links lead to
each field in error, the page title starts with "Error", and a field's limits (its length,
its range) are a hint before anything is typed."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django import forms
from django.template import Context, Template

from compacts.templatetags.form_a11y import field_hint
from cpc.fiscal import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN
from dialogues.models import DISCUSSION_NOTES_MIN_CHARS
from tests.dialogues.factories import DialogueFactory, IndicatorFactory

pytestmark = pytest.mark.usefixtures("past_years_open")


class Page(HTMLParser):
    """The ids of a page, what its aria-describedby name, its title and its error summary's
    links (and whether the summary can take the focus)."""

    def __init__(self, content: str):
        super().__init__()
        self.ids: list[str] = []
        self.described: list[tuple[str, str]] = []  # (element id, named id)
        self.title = ""
        self.summaries: list[dict] = []
        self._in_title = False
        self._summary_depth = 0
        self._depth = 0
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in {"input", "br", "img", "meta", "link", "hr"}:
            self._depth += 1
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        for named in (attrs.get("aria-describedby") or "").split():
            self.described.append((attrs.get("id", tag), named))
        if tag == "title" and not self.title:  # the page's, not an SVG's
            self._in_title = True
        if "data-error-summary" in attrs:
            self.summaries.append({"tabindex": attrs.get("tabindex"), "links": [],
                                   "classes": attrs.get("class", "")})
            self._summary_depth = self._depth
        elif tag == "a" and self._summary_depth and attrs.get("href", "").startswith("#"):
            self.summaries[-1]["links"].append(attrs["href"][1:])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag not in {"input", "br", "img", "meta", "link", "hr"}:
            if self._summary_depth and self._depth == self._summary_depth:
                self._summary_depth = 0
            self._depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def check_error_page(response, *field_ids) -> Page:
    """The page of a form sent back with errors: described-by ids all there, one summary
    that takes the focus and links to ``field_ids`` (each on the page), the title says so."""
    content = response.content.decode()
    page = Page(content)
    missing = [(element, named) for element, named in page.described if named not in page.ids]
    assert not missing, f"aria-describedby names ids not on the page: {missing}"
    assert page.title.strip().startswith("Error: "), page.title
    assert len(page.summaries) >= 1, "no error summary"
    summary = page.summaries[0]
    assert summary["tabindex"] == "-1"
    assert "usa-alert--error" in summary["classes"]
    assert "There is a problem" in content
    for field_id in field_ids:
        assert field_id in summary["links"], (field_id, summary["links"])
    for link in summary["links"]:
        assert page.ids.count(link) == 1, f"the summary links to #{link}, not once on the page"
    for _element, named in page.described:
        assert page.ids.count(named) == 1, f"{named} is not once on the page"
    return page


def check_calm_page(response) -> Page:
    page = Page(response.content.decode())
    missing = [(element, named) for element, named in page.described if named not in page.ids]
    assert not missing, f"aria-describedby names ids not on the page: {missing}"
    assert not page.summaries
    assert not page.title.strip().startswith("Error")
    return page


# Real forms sent back with errors -----------------------------------------------------------


def test_data_entry_grid_with_errors(client, staff_user, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, code="PROT-1")
    client.force_login(staff_user)
    url = f"/indicators/compact/{ghana_compact.pk}/data-entry/"
    check_calm_page(client.get(url))
    name = f"c{indicator.pk}-2024-value"
    response = client.post(url, {name: "not a number", "source": "x" * 3000})
    assert response.status_code == 400
    page = check_error_page(response, f"id_{name}", "id_source")
    assert "Actual, PROT-1, FY2024: Enter a number." in response.content.decode()
    # The cell's input is described by its error, and the source by its hint and error.
    assert (f"id_{name}", f"id_{name}_error") in page.described
    assert ("id_source", "id_source_helptext") in page.described
    assert ("id_source", "id_source_error") in page.described


def test_contribution_form_with_errors(client, ghana_officer, ghana_compact):
    client.force_login(ghana_officer)
    url = f"/contributions/compacts/{ghana_compact.pk}/"
    calm = client.get(url)
    check_calm_page(calm)
    assert "Up to 10,000 characters." in calm.content.decode()  # the description's limit
    response = client.post(url, {"fiscal_year": "", "kind": "", "description": "",
                                 "amount_local": "-5", "currency": "", "amount_usd": ""})
    assert response.status_code == 400
    page = check_error_page(response, "id_kind", "id_description")
    assert ("id_description", "id_description_error") in page.described
    assert ("id_description", "id_description_helptext") in page.described


def test_dialogue_prepare_step_with_errors(client, ghana_officer, ghana_compact):
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2025)
    client.force_login(ghana_officer)
    url = f"/dialogues/{dialogue.pk}/record/prepare/"
    check_calm_page(client.get(url))
    response = client.post(url, {"scheduled_for": "not a date", "format": "nonsense",
                                 "key_indicators_shared_note": "y" * 20_000})
    assert response.status_code == 400
    check_error_page(response, "id_scheduled_for", "id_format", "id_key_indicators_shared_note")


def test_dialogue_outcomes_step_lists_row_errors(client, ghana_officer, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact)
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2025,
                               scheduled_for=dt.date(2025, 3, 10))
    client.force_login(ghana_officer)
    url = f"/dialogues/{dialogue.pk}/record/outcomes/"
    calm = client.get(url).content.decode()
    # The notes' minimum and the year's range are said before anything is typed.
    assert f"From {DISCUSSION_NOTES_MIN_CHARS} to 10,000 characters." in calm
    assert f"From {FISCAL_YEAR_MIN} to {FISCAL_YEAR_MAX}." in calm
    data = {
        "summary": "", "contributions_notes": "", "sustainability_notes": "",
        "discussions-TOTAL_FORMS": "1", "discussions-INITIAL_FORMS": "0",
        "discussions-0-indicator": str(indicator.pk), "discussions-0-notes": "Short.",
        "proposals-TOTAL_FORMS": "1", "proposals-INITIAL_FORMS": "0",
        "proposals-0-indicator": str(indicator.pk), "proposals-0-fiscal_year": "2031",
        "proposals-0-value": "40",
        "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    # The short notes are refused beside their row; the summary leads there.
    check_error_page(response, "id_discussions-0-notes")


def test_dialogue_hold_step_links_to_the_row_in_error(client, ghana_officer, ghana_compact):
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2025,
                               scheduled_for=dt.date(2025, 3, 10))
    client.force_login(ghana_officer)
    url = f"/dialogues/{dialogue.pk}/record/hold/"
    check_calm_page(client.get(url))
    response = client.post(url, {
        "held_on": "not a date", "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0", "participants-0-name": "Ama Mensah",
        "participants-0-organization": "Ghana Police", "participants-0-side": "nonsense"})
    assert response.status_code == 400
    check_error_page(response, "id_held_on", "id_participants-0-side")


def test_new_dialogue_with_a_year_out_of_range(client, ghana_officer, ghana_compact):
    client.force_login(ghana_officer)
    url = f"/dialogues/new/?compact={ghana_compact.pk}"
    calm = client.get(url)
    check_calm_page(calm)
    response = client.post(url, {"fiscal_year": "99999", "scheduled_for": "2025-03-10",
                                 "format": "virtual"})
    assert response.status_code == 400
    check_error_page(response, "id_fiscal_year")


def test_gao_action_without_a_description(client, staff_user):
    from oversight.models import GaoRecommendation

    client.force_login(staff_user)
    recommendation = GaoRecommendation.objects.get(number=4)
    response = client.post(f"/oversight/recommendations/{recommendation.pk}/actions/",
                           {"date": "2024-12-01", "description": "", "evidence": ""})
    assert response.status_code == 400
    # Six recommendations, two forms each: each form's fields have ids of their own.
    ids = f"id_rec{recommendation.pk}_action"
    page = check_error_page(response, f"{ids}_description", f"{ids}_evidence")
    assert (f"{ids}_evidence", f"{ids}_evidence_helptext") in page.described
    assert len(set(page.ids)) == len(page.ids), "an id is on the page twice"


def test_year_unlock_without_a_reason(client, staff_user, ghana_compact):
    client.force_login(staff_user)
    page_url = f"/compacts/{ghana_compact.pk}/"
    check_calm_page(client.get(page_url))
    response = client.post(f"{page_url}fiscal-years/2024/unlock/", {"reason": "  "})
    assert response.status_code == 400
    page = check_error_page(response, "reason-2024")
    assert ("reason-2024", "reason-2024_error") in page.described


def test_sign_in_refused(client, staff_user):
    response = client.post("/accounts/login/", {"username": staff_user.username,
                                               "password": "wrong"})
    assert response.status_code == 200
    check_error_page(response)


# Limits as hints -----------------------------------------------------------------------------


class LimitsForm(forms.Form):
    note = forms.CharField(max_length=2000, widget=forms.Textarea)
    code = forms.CharField(min_length=3, max_length=8, help_text="Letters only.")
    reason = forms.CharField(min_length=20)
    year = forms.IntegerField(min_value=2000, max_value=2100)
    count = forms.IntegerField(min_value=0)
    share = forms.DecimalField(max_value=100)
    plain = forms.CharField()
    token = forms.CharField(max_length=10, widget=forms.HiddenInput)


def test_limits_in_words():
    form = LimitsForm()
    assert field_hint(form["note"]) == "Up to 2,000 characters."
    assert field_hint(form["code"]) == "From 3 to 8 characters."
    assert field_hint(form["reason"]) == "At least 20 characters."
    assert field_hint(form["year"]) == "From 2000 to 2100."
    assert field_hint(form["count"]) == "0 or more."
    assert field_hint(form["share"]) == "100 or less."
    assert field_hint(form["plain"]) == ""
    assert field_hint(form["token"]) == ""


def test_the_shared_field_shows_the_limit_and_names_its_hint_and_error():
    template = Template('{% for field in form %}{% include "includes/field.html" %}'
                        '{% endfor %}')
    calm = template.render(Context({"form": LimitsForm()}))
    page = Page(calm)
    assert ("id_note", "id_note_helptext") in page.described
    assert "Up to 2,000 characters." in calm
    assert "Letters only. <span" in calm  # the help text, then the limit
    assert ("id_plain", "id_plain_helptext") not in page.described
    failed = LimitsForm({"note": "x" * 2001, "code": "ab", "reason": "short", "year": "1999",
                         "count": "-1", "share": "101", "plain": "", "token": "t"})
    assert not failed.is_valid()
    html = template.render(Context({"form": failed}))
    page = Page(html)
    for name in ("note", "code", "reason", "year", "count", "share", "plain"):
        assert (f"id_{name}", f"id_{name}_error") in page.described
    assert not [named for _element, named in page.described if named not in page.ids]
    assert page.ids.count("id_note_error") == 1
