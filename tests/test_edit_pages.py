"""Edit pages carry the version of what they showed: saving after someone else changed the
record is refused with "This record changed since you opened it" and the current values
(409), never a silent overwrite. Each test submits the form as a browser would, from the
page's own inputs."""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.test import Client

from contributions import services as contribution_services
from contributions.models import Contribution, SustainabilityPlan
from cpc.versions import ERR_RECORD_CHANGED
from dialogues import services as dialogue_services
from dialogues.models import Dialogue
from indicators.models import Result, Target
from indicators.views import ERR_CELL_CHANGED
from oversight import services as oversight_services
from oversight.models import GaoRecommendation
from tests.contributions.factories import ContributionFactory, SustainabilityPlanFactory
from tests.dialogues.factories import DialogueFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]


class FormReader(HTMLParser):
    """The fields a browser would submit from the form whose ``data-testid`` is given (or
    whose ``action`` contains the text given)."""

    def __init__(self, *, testid=None, action=None):
        super().__init__()
        self.testid, self.action = testid, action
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None
        self._options: list = []

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = ((self.testid and a.get("data-testid") == self.testid)
                           or (self.action and self.action in (a.get("action") or "")))
        if not self.inside or (not a.get("name") and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "file"):
                self._add(a["name"], a.get("value", ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea:
            self._add(self._textarea, self._text.lstrip("\n"))
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or (
                [self._options[0][0]] if self._options else [])
            for value in chosen:
                self._add(self._select, value)
            self._select = None


def form_fields(html: str, **which) -> dict:
    reader = FormReader(**which)
    reader.feed(html)
    assert reader.data, f"no form {which}"
    return {k: v if len(v) > 1 else v[0] for k, v in reader.data.items()}


def open_page(client: Client, url: str, **which) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return form_fields(response.content.decode(), **which)


# The dialogue record's steps --------------------------------------------------------------


@pytest.fixture
def dialogue(ghana_compact):
    return DialogueFactory(compact=ghana_compact, fiscal_year=2025,
                           scheduled_for=dt.date(2025, 3, 10), summary="")


def test_the_dialogue_log_saves_when_nobody_else_changed_it(client, ghana_officer, dialogue):
    client.force_login(ghana_officer)
    url = f"/dialogues/{dialogue.pk}/record/outcomes/"
    data = open_page(client, url, testid="step-form")
    assert data["version"]
    response = client.post(url, data | {"summary": "Reviewed the shelter figures."})
    assert response.status_code == 302
    assert Dialogue.objects.get(pk=dialogue.pk).summary == "Reviewed the shelter figures."


def test_the_dialogue_log_refuses_to_overwrite_a_change_made_meanwhile(client, ghana_officer,
                                                                       dialogue):
    client.force_login(ghana_officer)
    url = f"/dialogues/{dialogue.pk}/record/outcomes/"
    data = open_page(client, url, testid="step-form")
    # Meanwhile a colleague writes the summary.
    dialogue_services.dialogue_update(user=ghana_officer, dialogue=dialogue,
                                      data={"summary": "The colleague's summary."})
    response = client.post(url, data | {"contributions_notes": "Ministry staff seconded."})
    assert response.status_code == 409
    content = response.content.decode()
    assert str(ERR_RECORD_CHANGED) in content
    assert "The colleague&#x27;s summary." in content  # the page shows what is saved now
    saved = Dialogue.objects.get(pk=dialogue.pk)
    assert saved.summary == "The colleague's summary."
    assert saved.contributions_notes == ""
    # Saving again from the page it now shows works.
    again = form_fields(content, testid="step-form")
    assert client.post(url, again | {"contributions_notes": "Seconded."}).status_code == 302
    assert Dialogue.objects.get(pk=dialogue.pk).summary == "The colleague's summary."


# The plan's notes and GAO's status ----------------------------------------------------------


def test_plan_notes_are_not_saved_over_a_change_made_meanwhile(client, staff_user,
                                                               ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact, notes="First notes")
    client.force_login(staff_user)
    url = f"/contributions/compacts/{ghana_compact.pk}/sustainability-plan/"
    data = open_page(client, url, testid="plan-notes-form")
    contribution_services.plan_update(user=staff_user, plan=plan,
                                      data={"notes": "A colleague's notes"})
    response = client.post(f"{url}save/", data | {"notes": "My notes"})
    assert response.status_code == 409
    assert str(ERR_RECORD_CHANGED) in response.content.decode()
    assert SustainabilityPlan.objects.get(pk=plan.pk).notes == "A colleague's notes"


def test_gao_status_is_not_saved_over_a_change_made_meanwhile(client, staff_user):
    recommendation = GaoRecommendation.objects.get(number=3)
    client.force_login(staff_user)
    data = open_page(client, "/oversight/recommendations/",
                     action=f"/oversight/recommendations/{recommendation.pk}/status/")
    oversight_services.gao_recommendation_update(
        recommendation=recommendation, user=staff_user,
        data={"status_note": "GAO confirmed in May."}, change_reason="GAO's letter")
    response = client.post(f"/oversight/recommendations/{recommendation.pk}/status/",
                           data | {"status_note": "Mine", "change_reason": "Update"})
    assert response.status_code == 409
    assert str(ERR_RECORD_CHANGED) in response.content.decode()
    assert GaoRecommendation.objects.get(pk=recommendation.pk).status_note == (
        "GAO confirmed in May.")


# Verifying from the contributions page -------------------------------------------------------


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


def test_staff_cannot_verify_figures_that_changed_after_the_page_showed_them(
        client, staff_user, ghana_officer, ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True)
    client.force_login(staff_user)
    page = f"/contributions/compacts/{ghana_compact.pk}/"
    verify = f"{page}contributions/{contribution.pk}/verify/"
    data = open_page(client, page, action=verify)
    contribution_services.contribution_update(contribution=contribution, user=ghana_officer,
                                              data={"amount_usd": Decimal("1.00")})
    response = client.post(verify, data)
    assert response.status_code == 409
    assert str(ERR_RECORD_CHANGED) in response.content.decode()
    assert not Contribution.objects.get(pk=contribution.pk).verified
    # From the page as it is now, the verification goes through, of the new amount.
    assert client.post(verify, open_page(client, page, action=verify)).status_code == 302
    saved = Contribution.objects.get(pk=contribution.pk)
    assert saved.verified and saved.verified_amount_usd == Decimal("1.00")


# The data-entry grid --------------------------------------------------------------------------


def _cell(indicator, year, name):
    return f"c{indicator.pk}-{year}-{name}"


@pytest.fixture
def grid(ghana_compact):
    first = IndicatorFactory(compact=ghana_compact, code="PROT-1")
    second = IndicatorFactory(compact=ghana_compact, code="PROT-2")
    TargetFactory(indicator=first, fiscal_year=2024, value=Decimal("100"))
    ResultFactory(indicator=first, fiscal_year=2024, value=Decimal("80"))
    return first, second


def test_the_grid_leaves_alone_what_someone_else_changed_meanwhile(client, staff_user,
                                                                   ghana_compact, grid):
    first, second = grid
    client.force_login(staff_user)
    url = f"/indicators/compact/{ghana_compact.pk}/data-entry/"
    data = open_page(client, url, testid="data-entry-form")
    # Meanwhile a colleague corrects the first indicator's FY2024 actual and target.
    result = Result.objects.get(indicator=first, fiscal_year=2024)
    result.value = Decimal("85")
    result.save()
    Target.objects.filter(indicator=first, fiscal_year=2024).update(value=Decimal("110"))
    # The user enters a figure elsewhere and leaves the first indicator's cell as it was.
    response = client.post(url, data | {_cell(second, 2024, "value"): "12",
                                        "change_reason": "", "source": "Ministry"})
    assert response.status_code == 302
    assert Result.objects.get(pk=result.pk).value == Decimal("85")
    assert Target.objects.get(indicator=first, fiscal_year=2024).value == Decimal("110")
    assert Result.objects.get(indicator=second, fiscal_year=2024).value == Decimal("12")


def test_the_grid_refuses_to_overwrite_a_figure_changed_meanwhile(client, staff_user,
                                                                  ghana_compact, grid):
    first, second = grid
    client.force_login(staff_user)
    url = f"/indicators/compact/{ghana_compact.pk}/data-entry/"
    data = open_page(client, url, testid="data-entry-form")
    result = Result.objects.get(indicator=first, fiscal_year=2024)
    result.value = Decimal("85")
    result.save()
    response = client.post(url, data | {_cell(first, 2024, "value"): "90",
                                        _cell(second, 2024, "value"): "12",
                                        "change_reason": "Corrected", "source": ""})
    assert response.status_code == 409
    content = response.content.decode()
    assert ERR_CELL_CHANGED.format(saved="85") in content
    assert Result.objects.get(pk=result.pk).value == Decimal("85")
    assert not Result.objects.filter(indicator=second, fiscal_year=2024).exists()
    # The page shows the saved figure as the one opened: saving again applies the user's.
    again = form_fields(content, testid="data-entry-form")
    assert again[_cell(first, 2024, "value") + "-opened"] == "85"
    assert client.post(url, again | {"change_reason": "Corrected"}).status_code == 302
    assert Result.objects.get(pk=result.pk).value == Decimal("90")


def test_versions_change_with_the_record(ghana_compact):
    from cpc.versions import record_version

    contribution = ContributionFactory(compact=ghana_compact)
    before = record_version(contribution)
    assert record_version(Contribution.objects.get(pk=contribution.pk)) == before
    Contribution.objects.filter(pk=contribution.pk).update(description="Other")
    assert record_version(Contribution.objects.get(pk=contribution.pk)) != before
    dialogue = DialogueFactory(compact=ghana_compact)
    version = record_version(dialogue)
    dialogue.key_indicators.add(IndicatorFactory(compact=ghana_compact))
    assert record_version(dialogue) != version  # the key indicators count too
    assert re.fullmatch(r"[0-9a-f]{20}", version)
