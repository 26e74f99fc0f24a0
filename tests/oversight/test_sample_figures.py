"""Sample figures (cpc/samples.py) and the compact's funding figures.

The demo marks every figure it invents (award amounts, indicator baselines, targets and
results, the partner-budget results before September 2024 included, contributions, Peru's
planned contribution in dollars, the guidance version), and every place that shows one says
so: the pages (a "Sample" tag and a note), the CSV and XLSX exports (a column), the PDF's
tables and charts (a mark and a note under each), the IATI descriptions and the API
(``is_sample``, read-only). Figures users enter are never marked, and a user's change to a
sample figure makes it theirs. The compact's ceiling is the one stated at signing, never a
total: the total awarded is the sum of the awards.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse
from lxml import etree
from openpyxl import load_workbook

from compacts.demo import GUIDANCE_TITLE
from compacts.management.commands.seed_demo import load_demo
from compacts.models import Award, Compact, GuidanceDocument
from contributions.models import Contribution
from cpc.samples import SAMPLE_COLUMN, SAMPLE_NOTE_EN
from dialogues.models import Dialogue
from indicators.models import Indicator, Result, Target
from reports.content import report_content
from reports.rendering import html_to_pdf, render_html

pytestmark = pytest.mark.django_db

NOTE = "Figures marked Sample are invented for demonstration"
TAG = 'data-testid="sample-tag"'
# The ceiling at signing in DOMAIN_FACTS (None: only a total is public).
CEILINGS = {"GH": Decimal("5000000"), "PH": Decimal("3500000"), "PE": Decimal("5000000"),
            "JM": None, "MN": None, "CO": Decimal("10000000"), "CI": Decimal("10000000"),
            "NP": Decimal("10000000")}


@pytest.fixture
def demo(db, demo_module):
    """The demo, loaded once for the module (tests/conftest.py)."""


def compact(iso) -> Compact:
    return Compact.objects.get(country__iso_code=iso)


def staff(django_user_model):
    return django_user_model.objects.get(username="tip.staff")


def test_the_demo_marks_every_figure_it_invents(demo):
    for model in (Award, Indicator, Target, Result, Contribution):
        assert model.objects.exists(), model
        assert not model.objects.filter(is_sample=False).exists(), model
    # The partner-budget results of the years before September 2024 are samples too.
    early_budget = Result.objects.filter(indicator__pillar="partnership",
                                         indicator__unit="usd", fiscal_year__lt=2025)
    assert early_budget.exists() and not early_budget.filter(is_sample=False).exists()
    guidance = GuidanceDocument.objects.get()
    assert guidance.is_sample and guidance.title == GUIDANCE_TITLE
    assert str(guidance).startswith("Sample: ")
    # Peru's pledge is public in soles only: its dollar figure is a sample. The Philippines'
    # pledge of about $0.8M is public.
    assert compact("PE").partner_contribution_planned_is_sample
    assert compact("PH").partner_contribution_planned_usd == Decimal("800000")
    assert not compact("PH").partner_contribution_planned_is_sample


def test_the_ceiling_is_the_one_at_signing_and_the_awarded_total_the_sum_of_awards(demo):
    for iso, ceiling in CEILINGS.items():
        assert compact(iso).us_funding_usd == ceiling, iso
    for item in Compact.objects.with_awarded_total():
        amounts = [a.amount_usd for a in item.awards.all()]
        assert item.us_awarded_usd == sum(amounts, Decimal("0"))
        assert item.us_awarded_includes_sample == bool(amounts)
    # Nepal's and the Philippines' figures: public ones, unmarked, or marked samples.
    assert not compact("NP").awards.exists()
    assert compact("NP").us_awarded_includes_sample is False


def test_pages_tag_each_sample_figure_and_explain_the_tag(demo, client, django_user_model):
    client.force_login(staff(django_user_model))
    colombia, peru, nepal = compact("CO"), compact("PE"), compact("NP")

    listing = client.get(reverse("compacts:compact-list")).content.decode()
    assert "Ceiling at signing" in listing and "Total awarded" in listing
    assert "U.S. funding ceiling" not in listing
    assert listing.count(TAG) >= 7 and NOTE in listing  # seven compacts have sample awards
    assert "Not reported" in listing  # Jamaica's and Mongolia's ceilings

    detail = client.get(reverse("oversight:compact-detail", args=[colombia.pk]))
    html = detail.content.decode()
    assert "Ceiling at signing" in html and "Total awarded (sum of the awards below)" in html
    # Each award, the total awarded twice, and the note under each; the three sample
    # selection factors and the sample evaluation, each table with its note; in the finance
    # panel, its six totals, each award's and each fiscal year's figures and the panel's note.
    assert html.count(TAG) == 4 + 2 + 2 + (3 + 1) + (1 + 1) + (6 + 4 + 4 + 1)
    assert NOTE in html
    nepal_html = client.get(reverse("oversight:compact-detail", args=[nepal.pk])).content
    assert TAG not in nepal_html.decode()  # public figures only

    indicators = client.get(reverse("indicators:compact-indicators", args=[colombia.pk]))
    html = indicators.content.decode()
    rows = Indicator.objects.filter(compact=colombia).count()
    assert html.count(TAG) >= rows and NOTE in html

    contributions = client.get(reverse("contributions:compact-contributions",
                                       args=[colombia.pk])).content.decode()
    shown = Contribution.objects.filter(compact=colombia).count()
    assert contributions.count(TAG) >= shown + 2 and NOTE in contributions

    planned = client.get(reverse("contributions:compact-list")).content.decode()
    row = planned[planned.index(peru.title):]
    assert TAG in row[:row.index("</tr>")] and NOTE in planned

    dialogue = Dialogue.objects.get(compact=colombia, fiscal_year=2026)
    pack = client.get(f"/dialogues/{dialogue.pk}/preparation/").content.decode()
    keys = dialogue.key_indicators.count()
    # In the partner government's language (Spanish): the tag and its note, translated.
    assert keys and pack.count(TAG) == keys + 1 and 'data-testid="sample-note"' in pack


def test_exports_carry_a_sample_column(demo, client, django_user_model):
    client.force_login(staff(django_user_model))
    colombia = compact("CO")
    table = client.get(reverse("indicators:indicator-table-csv", args=[colombia.pk]))
    rows = list(csv.reader(io.StringIO(table.content.decode())))
    assert rows[0][-1] == SAMPLE_COLUMN
    assert {row[-1] for row in rows[1:]} == {"yes"}

    workbook = load_workbook(io.BytesIO(client.get(
        reverse("indicators:indicator-table-xlsx", args=[colombia.pk])).content))
    sheet = workbook.active
    assert f'"{SAMPLE_COLUMN}" column reads yes' in sheet["A2"].value
    header = [cell.value for cell in sheet[3]]
    assert header[-1] == SAMPLE_COLUMN
    assert {row[-1] for row in sheet.iter_rows(min_row=4, values_only=True)} == {"yes"}

    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("contributions:export", args=[colombia.pk, fmt]))
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(response.content.decode())))
        else:
            rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active
                    .iter_rows(values_only=True)]
        assert rows[0][-1] == SAMPLE_COLUMN
        assert len(rows) > 1 and {row[-1] for row in rows[1:]} == {"yes"}, fmt


def test_the_pdf_marks_sample_figures_in_tables_and_charts(demo):
    content = report_content(kind="compact_oversight", fiscal_year=2025,
                             compact_id=compact("CO").pk,
                             data_as_of=dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC))
    section = content.sections[0]
    assert section.funding_sample and section.indicators_sample
    text = "\n".join(page.extract_text() for page in
                     pypdf.PdfReader(io.BytesIO(html_to_pdf(render_html(content)).data)).pages)
    flat = " ".join(text.split())
    assert "U.S. funding ceiling at signing $10,000,000" in flat
    assert "total awarded $9,600,000 Sample" in flat
    # A mark in each indicator row, each award row, the funding figure and table, each key
    # indicator's chart; the note under them.
    marks = flat.count("Sample")
    assert marks >= len(section.indicators) + 4 + 2 + len(section.key_charts), marks
    assert flat.count(" ".join(SAMPLE_NOTE_EN.split())) >= 4
    assert "Sample: CPC Partnership Monitoring Guidance" in flat


def test_the_program_pdf_says_the_record_and_the_portfolio_figures(demo):
    content = report_content(kind="program_oversight", fiscal_year=2025, compact_id=None,
                             data_as_of=dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC))
    flat = " ".join("\n".join(page.extract_text() for page in pypdf.PdfReader(
        io.BytesIO(html_to_pdf(render_html(content)).data)).pages).split())
    assert "Ceiling at signing" in flat and "Total awarded" in flat
    # GAO's record: no invented closure or action day.
    assert flat.count("as reported by GAO, 2025") >= 5
    assert "2025-05-01" not in flat and "2025-01-31" not in flat
    assert "September 2024 to January 2025" in flat


def test_iati_descriptions_say_which_figures_are_sample_data(demo, staff_api):
    xml = staff_api.get("/api/v1/iati/activities.xml").content
    root = etree.fromstring(xml)
    colombia = next(a for a in root.iter("iati-activity")
                    if a.find("recipient-country").get("code") == "CO")
    general = colombia.find("description[@type='1']/narrative").text
    assert "U.S. funding ceiling at signing: up to US$10,000,000." in general
    assert "Sample data, invented for demonstration and not official figures: " in general
    assert "award amounts" in general and "indicator figures" in general
    for transaction in colombia.iter("transaction"):
        assert "Sample data" in transaction.find("description/narrative").text
    for result in colombia.iter("result"):
        assert "Sample data" in result.find("description/narrative").text
    peru = next(a for a in root.iter("iati-activity")
                if a.find("recipient-country").get("code") == "PE")
    assert "the planned contribution" in peru.find("description[@type='1']/narrative").text


def test_the_api_exposes_the_mark_read_only(demo, client, django_user_model):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(staff(django_user_model))
    colombia = compact("CO")
    body = api.get(f"/api/v1/compacts/{colombia.pk}/").json()
    assert body["us_awarded_includes_sample"] is True
    assert body["partner_contribution_planned_is_sample"] is False
    peru = api.get(f"/api/v1/compacts/{compact('PE').pk}/").json()
    assert peru["partner_contribution_planned_is_sample"] is True
    jamaica = api.get(f"/api/v1/compacts/{compact('JM').pk}/").json()
    assert jamaica["us_funding_usd"] is None
    for url in (f"/api/v1/awards/?compact={colombia.pk}",
                f"/api/v1/contributions/?compact={colombia.pk}",
                f"/api/v1/indicators/?compact={colombia.pk}", "/api/v1/guidance-documents/"):
        results = api.get(url).json()["results"]
        assert results and {r["is_sample"] for r in results} == {True}, url
    indicator = Indicator.objects.filter(compact=colombia).first()
    for url in (f"/api/v1/targets/?indicator={indicator.pk}",
                f"/api/v1/results/?indicator={indicator.pk}"):
        assert {r["is_sample"] for r in api.get(url).json()["results"]} == {True}, url
    # A client cannot set it.
    award = Award.objects.filter(compact=colombia).first()
    api.patch(f"/api/v1/awards/{award.pk}/", {"is_sample": False}, format="json")
    award.refresh_from_db()
    assert award.is_sample


@pytest.mark.usefixtures("past_years_open")
def test_figures_users_enter_or_change_are_never_marked(demo, client, django_user_model):
    from rest_framework.test import APIClient

    user = staff(django_user_model)
    api = APIClient()
    api.force_authenticate(user)
    colombia = compact("CO")
    # A contribution a user records is theirs: no mark anywhere.
    created = api.post("/api/v1/contributions/", {
        "compact": colombia.pk, "fiscal_year": 2026, "kind": "funding",
        "description": "Ministry grant entered by staff", "amount_local": "1000",
        "currency": "COP", "amount_usd": "2500"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["is_sample"] is False
    contribution = Contribution.objects.get(pk=created.json()["id"])
    assert not contribution.is_sample
    client.force_login(user)
    rows = list(csv.reader(io.StringIO(client.get(reverse(
        "contributions:export", args=[colombia.pk, "csv"])).content.decode())))
    mine = next(r for r in rows if r[2] == "Ministry grant entered by staff")
    assert mine[-1] == "no"
    html = client.get(reverse("contributions:compact-contributions",
                              args=[colombia.pk])).content.decode()
    row = html[html.index("Ministry grant entered by staff") - 600:]
    row = row[row.rindex("<tr", 0, 600):row.index("</tr>")]
    assert TAG not in row

    # A user's change of a sample figure makes it theirs; a change of something else
    # (its description) leaves the mark.
    result = Result.objects.filter(indicator__compact=colombia, status="approved",
                                   indicator__unit="count", fiscal_year=2026).first()
    response = api.patch(f"/api/v1/results/{result.pk}/", {
        "value": str(result.value + 1), "change_reason": "Corrected by staff"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["is_sample"] is False
    sample = Contribution.objects.filter(compact=colombia, is_sample=True).last()
    api.patch(f"/api/v1/contributions/{sample.pk}/", {"description": "Reworded"},
              format="json")
    sample.refresh_from_db()
    assert sample.description == "Reworded" and sample.is_sample
    peru = compact("PE")
    api.patch(f"/api/v1/compacts/{peru.pk}/", {"partner_contribution_planned_usd": "2500000"},
              format="json")
    assert not compact("PE").partner_contribution_planned_is_sample


def test_a_demo_loaded_before_the_marks_gets_them_on_its_next_load(demo):
    # Given a demo database loaded by an earlier version: nothing marked, the totals loaded
    # as ceilings, the guidance's title without "Sample"
    for model in (Award, Indicator, Target, Result, Contribution):
        model.objects.update(is_sample=False)
    Compact.objects.update(partner_contribution_planned_is_sample=False)
    Compact.objects.filter(country__iso_code="GH").update(us_funding_usd=Decimal("6900000"))
    Compact.objects.filter(country__iso_code="JM").update(us_funding_usd=Decimal("6700000"))
    GuidanceDocument.objects.update(title="CPC Partnership Monitoring Guidance",
                                    is_sample=False)
    # when the demo is loaded again
    load_demo(password="pw-for-tests")
    # then it reads as a fresh load does
    for model in (Award, Indicator, Target, Result, Contribution):
        assert not model.objects.filter(is_sample=False).exists(), model
    assert compact("GH").us_funding_usd == Decimal("5000000")
    assert compact("JM").us_funding_usd is None
    assert compact("PE").partner_contribution_planned_is_sample
    guidance = GuidanceDocument.objects.get()
    assert guidance.title == GUIDANCE_TITLE and guidance.is_sample
