"""Pages: country scope, role rules, exports, the funding picture and query budgets."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from contributions import charts, selectors, services
from contributions.models import (
    ERR_CURRENCY,
    ERR_DUE_BEFORE_REQUEST,
    ERR_NEGATIVE,
    ERR_PERSONNEL_REQUIRED,
    Contribution,
    Measure,
    PlanStatus,
    SustainabilityPlan,
)
from cpc.models import recorded_as_of
from tests.compacts.factories import AwardFactory, CompactFactory, PartnerCountryFactory
from tests.contributions.factories import (
    ContributionFactory,
    DialogueFactory,
    FollowUpFactory,
    MeasureFactory,
    SustainabilityPlanFactory,
)
from tests.dialogues.factories import noon
from tests.documents import pdf_bytes

PLAN_PDF = pdf_bytes("Sustainability plan.")

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


def urls_of(compact):
    base = f"/contributions/compacts/{compact.pk}"
    return [f"{base}/", f"{base}/sustainability-plan/", f"{base}/export.csv",
            f"{base}/export.xlsx"]


def test_anonymous_user_is_sent_to_login(client, ghana_compact):
    for url in ["/contributions/", "/contributions/overdue-plans/", *urls_of(ghana_compact)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_officer_gets_404_for_every_page_of_another_country(client, ghana_officer,
                                                            peru_compact):
    client.force_login(ghana_officer)
    for url in [*urls_of(peru_compact), f"/contributions/compacts/{peru_compact.pk}/import/"]:
        assert client.get(url).status_code == 404, url


def test_contributions_page_shows_table_funding_picture_and_chart(client, ghana_officer,
                                                                  ghana_compact):
    ContributionFactory(compact=ghana_compact, fiscal_year=2023, description="Sample: shelters",
                        amount_usd=Decimal("25000"))
    AwardFactory(compact=ghana_compact)
    client.force_login(ghana_officer)
    response = client.get(f"/contributions/compacts/{ghana_compact.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Sample: shelters" in content
    assert [y.fiscal_year for y in response.context["funding_years"]] == list(range(2022, 2028))
    assert "<svg" in content and "<title id=\"funding-title\">" in content
    assert 'data-testid="funding-row"' in content
    assert "Import a file" not in content  # officers do not import


def test_exports_as_csv_and_xlsx_can_be_imported_again(client, auditor_user, ghana_compact):
    ContributionFactory(compact=ghana_compact, description="=HYPERLINK(\"x\")")
    ContributionFactory(compact=ghana_compact, kind="personnel", personnel_count=4,
                        amount_usd=Decimal("0"), amount_local=Decimal("0"))
    client.force_login(auditor_user)
    base = f"/contributions/compacts/{ghana_compact.pk}"
    response = client.get(f"{base}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:7] == ["fiscal_year", "kind", "description", "amount_local", "currency",
                           "amount_usd", "personnel_count"]
    assert len(rows) == 3
    assert rows[1][2] == "'=HYPERLINK(\"x\")"  # not run as a formula
    workbook = load_workbook(io.BytesIO(client.get(f"{base}/export.xlsx").content))
    assert workbook.active.max_row == 3
    assert client.get(f"{base}/export.pdf").status_code == 404


def test_plan_page_shows_measures_and_follow_ups_and_officer_adds_one(client, ghana_officer,
                                                                       ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    MeasureFactory(plan=plan, description="Sample: budget line for shelters")
    FollowUpFactory(plan=plan, note="Sample: called the ministry")
    client.force_login(ghana_officer)
    url = f"/contributions/compacts/{ghana_compact.pk}/sustainability-plan/"
    content = client.get(url).content.decode()
    assert "Sample: budget line for shelters" in content
    assert "Sample: called the ministry" in content
    assert "Overdue" in content
    response = client.post(url, {"date": "2024-08-01", "note": "Met the minister."})
    assert response.status_code == 302
    assert plan.follow_ups.count() == 2
    assert client.post(url, {"date": "", "note": ""}).status_code == 400


def test_auditor_reads_the_plan_page_but_cannot_add_follow_ups(client, auditor_user,
                                                               ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    client.force_login(auditor_user)
    url = f"/contributions/compacts/{ghana_compact.pk}/sustainability-plan/"
    response = client.get(url)
    assert response.status_code == 200
    assert b"follow-up-form" not in response.content
    assert client.post(url, {"date": "2024-08-01", "note": "x"}).status_code == 403
    assert plan.follow_ups.count() == 0


def test_evidence_and_plan_document_pages_are_404_outside_the_country(
    client, ghana_officer, staff_user, ghana_compact, peru_compact
):
    mine = ContributionFactory(compact=ghana_compact)
    mine.evidence.save("receipt.pdf", ContentFile(b"ghana evidence"))
    theirs = ContributionFactory(compact=peru_compact, currency="PEN")
    theirs.evidence.save("receipt.pdf", ContentFile(b"peru evidence"))
    plan = SustainabilityPlanFactory(compact=peru_compact)
    plan.document.save("plan.pdf", ContentFile(b"peru plan"))
    client.force_login(ghana_officer)
    response = client.get(f"/contributions/evidence/{mine.pk}/")
    assert b"".join(response.streaming_content) == b"ghana evidence"
    assert client.get(f"/contributions/evidence/{theirs.pk}/").status_code == 404
    assert client.get(f"/contributions/plans/{plan.pk}/document/").status_code == 404
    client.force_login(staff_user)
    response = client.get(f"/contributions/plans/{plan.pk}/document/")
    assert b"".join(response.streaming_content) == b"peru plan"


def test_overdue_list_is_scoped_and_dated(client, ghana_officer, ghana_compact, peru_compact,
                                          staff_user):
    SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    SustainabilityPlanFactory(compact=peru_compact, requested=True)
    assert selectors.overdue_plan_list(user=staff_user, on=dt.date(2024, 6, 30)).count() == 0
    assert selectors.overdue_plan_list(user=staff_user, on=dt.date(2024, 7, 1)).count() == 2
    assert [p.compact for p in selectors.overdue_plan_list(user=ghana_officer)] == [
        ghana_compact]
    client.force_login(ghana_officer)
    response = client.get("/contributions/overdue-plans/")
    assert list(response.context["plans"]) == [ghana_compact.sustainability_plan]


# --- Adding and verifying contributions -------------------------------------------------

def contribution_data(**overrides):
    return {"fiscal_year": "2024", "kind": "funding",
            "description": "Sample: shelter budget line", "amount_local": "120000.00",
            "currency": "ghs", "amount_usd": "10000.00", "personnel_count": "",
            "recorded_at_dialogue": ""} | overrides


def contributions_url(compact):
    return f"/contributions/compacts/{compact.pk}/"


def verify_url(contribution):
    return (f"/contributions/compacts/{contribution.compact_id}/contributions/"
            f"{contribution.pk}/verify/")


@pytest.mark.parametrize("writer", ["staff_user", "ghana_officer"])
def test_staff_and_the_countrys_officer_add_a_contribution_with_evidence(
    request, client, writer, ghana_compact
):
    user = request.getfixturevalue(writer)
    dialogue = DialogueFactory(compact=ghana_compact)
    client.force_login(user)
    assert b'data-testid="contribution-form"' in client.get(
        contributions_url(ghana_compact)).content
    evidence = SimpleUploadedFile("budget.pdf", pdf_bytes("Sample budget extract."),
                                  content_type="application/pdf")
    response = client.post(contributions_url(ghana_compact), contribution_data(
        recorded_at_dialogue=str(dialogue.pk), evidence=evidence))
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.compact == ghana_compact
    assert contribution.currency == "GHS"
    assert contribution.recorded_by == user
    assert contribution.recorded_at_dialogue == dialogue
    assert not contribution.verified
    content = client.get(response["Location"]).content.decode()
    assert "Contribution recorded." in content
    assert f"/contributions/evidence/{contribution.pk}/" in content
    download = client.get(f"/contributions/evidence/{contribution.pk}/")
    assert b"".join(download.streaming_content) == pdf_bytes("Sample budget extract.")


def test_bad_contribution_form_shows_field_errors_and_saves_nothing(client, ghana_officer,
                                                                    ghana_compact):
    client.force_login(ghana_officer)
    response = client.post(contributions_url(ghana_compact), contribution_data(
        kind="personnel", currency="XYZ", amount_usd="-5"))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["currency"] == [ERR_CURRENCY]
    assert form.errors["personnel_count"] == [ERR_PERSONNEL_REQUIRED]
    assert ERR_NEGATIVE in form.errors["amount_usd"]
    content = response.content.decode()
    assert str(ERR_CURRENCY) in content and "usa-form-group--error" in content
    assert "The contribution was not saved" in content
    assert Contribution.objects.count() == 0


def test_fiscal_year_outside_the_compact_is_refused_beside_the_field(client, staff_user,
                                                                    ghana_compact):
    client.force_login(staff_user)
    response = client.post(contributions_url(ghana_compact),
                           contribution_data(fiscal_year="2030"))
    assert response.status_code == 400
    assert response.context["form"].errors["fiscal_year"]
    assert Contribution.objects.count() == 0


def test_dialogue_of_another_compact_cannot_be_chosen(client, staff_user, ghana_compact,
                                                       peru_compact):
    client.force_login(staff_user)
    other = DialogueFactory(compact=peru_compact)
    response = client.post(contributions_url(ghana_compact),
                           contribution_data(recorded_at_dialogue=str(other.pk)))
    assert response.status_code == 400
    assert "recorded_at_dialogue" in response.context["form"].errors
    assert Contribution.objects.count() == 0


def test_staff_verify_a_contribution_and_the_table_shows_who_and_when(client, staff_user,
                                                                      ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True)
    client.force_login(staff_user)
    assert b'data-testid="verify"' in client.get(contributions_url(ghana_compact)).content
    response = client.post(verify_url(contribution))
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.verified and contribution.verified_by == staff_user
    content = client.get(contributions_url(ghana_compact)).content.decode()
    assert f"by {staff_user.get_full_name() or 'staff'}" in content
    # As the page shows it: the date in the site's time zone, not UTC's.
    assert timezone.localtime(contribution.verified_at).strftime("%b %-d, %Y") in content
    assert 'data-testid="verify"' not in content


def test_officer_and_auditor_cannot_verify(client, ghana_officer, auditor_user,
                                           ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact)
    for user in (ghana_officer, auditor_user):
        client.force_login(user)
        assert b'data-testid="verify"' not in client.get(
            contributions_url(ghana_compact)).content
        assert client.post(verify_url(contribution)).status_code == 403
    contribution.refresh_from_db()
    assert not contribution.verified


def test_auditor_reads_the_contributions_page_but_cannot_add(client, auditor_user,
                                                             ghana_compact):
    client.force_login(auditor_user)
    response = client.get(contributions_url(ghana_compact))
    assert response.status_code == 200
    assert b'data-testid="contribution-form"' not in response.content
    assert client.post(contributions_url(ghana_compact),
                       contribution_data()).status_code == 403
    assert Contribution.objects.count() == 0


def test_officer_gets_404_for_every_write_on_another_country(client, ghana_officer,
                                                             peru_compact):
    theirs = ContributionFactory(compact=peru_compact, currency="PEN")
    plan = SustainabilityPlanFactory(compact=peru_compact, requested=True)
    measure = MeasureFactory(plan=plan)
    client.force_login(ghana_officer)
    for url in [contributions_url(peru_compact), verify_url(theirs),
                *plan_post_urls(peru_compact, measure)]:
        assert client.post(url, {"note": "x", "date": "2024-08-01"}).status_code == 404, url
    theirs.refresh_from_db()
    assert not theirs.verified
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REQUESTED and plan.follow_ups.count() == 0


# --- Managing the sustainability plan ----------------------------------------------------

def plan_url(compact, tail=""):
    return f"/contributions/compacts/{compact.pk}/sustainability-plan/{tail}"


def plan_post_urls(compact, measure):
    return [plan_url(compact), plan_url(compact, "save/"), plan_url(compact, "request/"),
            plan_url(compact, "receive/"), plan_url(compact, "accept/"),
            plan_url(compact, "measures/"), plan_url(compact, f"measures/{measure.pk}/")]


def test_staff_create_request_receive_and_accept_the_plan(client, staff_user, ghana_compact):
    client.force_login(staff_user)
    content = client.get(plan_url(ghana_compact)).content.decode()
    assert 'data-testid="plan-create-form"' in content

    response = client.post(plan_url(ghana_compact, "save/"), {"notes": "Sample: ask in May."})
    assert response.status_code == 302
    plan = SustainabilityPlan.objects.get(compact=ghana_compact)
    assert plan.status == PlanStatus.NOT_REQUESTED and plan.notes == "Sample: ask in May."
    assert 'data-testid="plan-request-form"' in client.get(plan_url(ghana_compact)).content.decode()

    # A typed request date is not taken: the server dates the request.
    with recorded_as_of(noon(dt.date(2024, 5, 1))):
        response = client.post(plan_url(ghana_compact, "request/"),
                               {"requested_on": "2023-01-01", "due_on": "2024-09-30"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REQUESTED
    assert (plan.requested_on, plan.due_on) == (dt.date(2024, 5, 1), dt.date(2024, 9, 30))

    document = SimpleUploadedFile("plan.pdf", PLAN_PDF, content_type="application/pdf")
    response = client.post(plan_url(ghana_compact, "receive/"),
                           {"received_on": "2024-09-01", "document": document})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RECEIVED and plan.received_on == dt.date(2024, 9, 1)
    download = client.get(f"/contributions/plans/{plan.pk}/document/")
    assert b"".join(download.streaming_content) == PLAN_PDF

    response = client.post(plan_url(ghana_compact, "accept/"), follow=True)
    assert "Plan accepted." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED


def test_staff_edit_the_plans_notes(client, staff_user, ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact)
    client.force_login(staff_user)
    assert client.post(plan_url(ghana_compact, "save/"),
                       {"notes": "Sample: revised"}).status_code == 302
    plan.refresh_from_db()
    assert plan.notes == "Sample: revised"
    assert SustainabilityPlan.objects.count() == 1


def test_a_due_date_before_the_request_is_shown_beside_the_field_and_changes_nothing(
    client, staff_user, ghana_compact
):
    plan = SustainabilityPlanFactory(compact=ghana_compact)
    client.force_login(staff_user)
    response = client.post(plan_url(ghana_compact, "request/"),
                           {"requested_on": "2024-05-01", "due_on": "2024-04-01"})
    assert response.status_code == 400
    assert response.context["request_form"].errors["due_on"] == [ERR_DUE_BEFORE_REQUEST]
    assert str(ERR_DUE_BEFORE_REQUEST) in response.content.decode()
    response = client.post(plan_url(ghana_compact, "request/"), {"requested_on": "2024-05-01"})
    assert response.status_code == 400
    assert "due_on" in response.context["request_form"].errors
    plan.refresh_from_db()
    assert plan.status == PlanStatus.NOT_REQUESTED and plan.requested_on is None


def test_an_impossible_plan_move_shows_the_message_and_changes_nothing(client, staff_user,
                                                                       ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    client.force_login(staff_user)
    response = client.post(plan_url(ghana_compact, "accept/"), follow=True)
    assert response.redirect_chain == [(plan_url(ghana_compact), 302)]
    assert "A plan that is requested cannot be accepted." in response.content.decode()
    response = client.post(plan_url(ghana_compact, "request/"),
                           {"requested_on": "2024-08-01", "due_on": "2024-12-01"}, follow=True)
    assert "A plan that is requested cannot be requested." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REQUESTED
    assert (plan.requested_on, plan.due_on) == (dt.date(2024, 1, 15), dt.date(2024, 6, 30))


def test_moving_a_plan_that_does_not_exist_is_404(client, staff_user, ghana_compact):
    client.force_login(staff_user)
    assert client.post(plan_url(ghana_compact, "accept/")).status_code == 404
    assert client.post(plan_url(ghana_compact, "measures/"),
                       {"description": "x"}).status_code == 404


def test_staff_add_and_edit_measures(client, staff_user, ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    MeasureFactory(plan=plan, description="Sample: first")
    client.force_login(staff_user)
    response = client.post(plan_url(ghana_compact, "measures/"), {
        "description": "Sample: train labour inspectors", "category": "training",
        "responsible_institution": "Ministry of Labour", "status": "planned"})
    assert response.status_code == 302
    assert list(plan.measures.values_list("description", flat=True)) == [
        "Sample: first", "Sample: train labour inspectors"]

    second = plan.measures.get(position=1)
    edit_url = plan_url(ghana_compact, f"measures/{second.pk}/")
    assert b'data-testid="measure-form"' in client.get(edit_url).content
    response = client.post(edit_url, {
        "description": "Sample: train labour inspectors", "category": "training",
        "responsible_institution": "Ministry of Labour", "status": "in_progress"})
    assert response.status_code == 302
    assert list(plan.measures.values_list("description", "status")) == [
        ("Sample: first", "planned"), ("Sample: train labour inspectors", "in_progress")]
    # Saving renumbers the measures, so the old link no longer finds one.
    assert client.get(edit_url).status_code == 404


def test_a_bad_measure_shows_field_errors_and_saves_nothing(client, staff_user,
                                                            ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact)
    measure = MeasureFactory(plan=plan, description="Sample: first")
    client.force_login(staff_user)
    response = client.post(plan_url(ghana_compact, "measures/"),
                           {"description": "", "category": "astrology", "status": "planned"})
    assert response.status_code == 400
    errors = response.context["measure_form"].errors
    assert set(errors) == {"description", "category", "responsible_institution"}
    assert "usa-form-group--error" in response.content.decode()
    response = client.post(plan_url(ghana_compact, f"measures/{measure.pk}/"),
                           {"description": "Sample: changed", "category": "training",
                            "responsible_institution": "", "status": "done"})
    assert response.status_code == 400
    assert "responsible_institution" in response.context["form"].errors
    assert list(Measure.objects.values_list("pk", "description", "status")) == [
        (measure.pk, "Sample: first", "planned")]


def test_officer_follows_up_but_cannot_manage_the_plan(client, ghana_officer, ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact)
    measure = MeasureFactory(plan=plan)
    client.force_login(ghana_officer)
    content = client.get(plan_url(ghana_compact)).content.decode()
    assert 'data-testid="plan-request-form"' not in content
    assert 'data-testid="measure-form"' not in content
    assert 'data-testid="follow-up-form"' in content
    for url in plan_post_urls(ghana_compact, measure)[1:]:
        response = client.post(url, {"due_on": "2030-01-01", "description": "x",
                                     "category": "other", "responsible_institution": "x",
                                     "status": "done", "notes": "x"})
        assert response.status_code == 403, url
    assert client.get(plan_url(ghana_compact, f"measures/{measure.pk}/")).status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.NOT_REQUESTED and plan.notes == ""
    assert list(plan.measures.all()) == [measure]
    assert client.post(plan_url(ghana_compact),
                       {"date": "2024-08-01", "note": "Sample: met"}).status_code == 302


def test_officer_cannot_create_a_plan(client, ghana_officer, ghana_compact):
    client.force_login(ghana_officer)
    assert b"plan-create-form" not in client.get(plan_url(ghana_compact)).content
    assert client.post(plan_url(ghana_compact, "save/"), {"notes": "x"}).status_code == 403
    assert not SustainabilityPlan.objects.exists()


def test_auditor_gets_403_on_every_post(client, auditor_user, ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact)
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    measure = MeasureFactory(plan=plan)
    client.force_login(auditor_user)
    content = client.get(plan_url(ghana_compact)).content.decode()
    assert "plan-receive-form" not in content and "measure-form" not in content
    for url in [contributions_url(ghana_compact), verify_url(contribution),
                *plan_post_urls(ghana_compact, measure)]:
        assert client.post(url, {"received_on": "2024-08-01"}).status_code == 403, url
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REQUESTED
    assert Contribution.objects.count() == 1 and not Contribution.objects.get().verified


def test_get_on_a_post_only_plan_address_goes_back_to_the_plan(client, staff_user,
                                                               ghana_compact):
    services.plan_create(user=staff_user, compact=ghana_compact)
    client.force_login(staff_user)
    response = client.get(plan_url(ghana_compact, "request/"))
    assert response.status_code == 302 and response["Location"] == plan_url(ghana_compact)


# --- Funding picture ---------------------------------------------------------------------

def test_awards_are_spread_pro_rata_by_days_in_each_fiscal_year(staff_user, ghana):
    compact = CompactFactory(country=ghana, start_date=dt.date(2023, 4, 1),
                             end_date=dt.date(2025, 3, 31),
                             partner_contribution_planned_usd=Decimal("300000"))
    # 1 Jul 2023 to 30 Jun 2024: 92 days in FY2023, 274 in FY2024 (366 days, leap year).
    AwardFactory(compact=compact, amount_usd=Decimal("366000"),
                 start_date=dt.date(2023, 7, 1), end_date=dt.date(2024, 6, 30))
    ContributionFactory(compact=compact, fiscal_year=2024, amount_usd=Decimal("1000"))
    ContributionFactory(compact=compact, fiscal_year=2024, amount_usd=Decimal("500.50"))
    years = {y.fiscal_year: y for y in selectors.funding_picture(user=staff_user,
                                                                 compact=compact)}
    assert sorted(years) == [2023, 2024, 2025]
    assert years[2023].us_awards_usd == Decimal("92000.00")
    assert years[2024].us_awards_usd == Decimal("274000.00")
    assert years[2025].us_awards_usd == Decimal("0.00")
    assert {y.partner_planned_usd for y in years.values()} == {Decimal("100000.00")}
    # Not verified: never shown as recorded.
    assert (years[2024].partner_verified_usd, years[2024].partner_unverified_usd) == (
        Decimal("0.00"), Decimal("1500.50"))
    assert years[2023].partner is None  # nothing recorded: not reported, not $0


def test_award_shares_add_up_to_the_award_to_the_cent(staff_user, ghana_compact):
    AwardFactory(compact=ghana_compact, amount_usd=Decimal("1000000.01"))
    years = selectors.funding_picture(user=staff_user, compact=ghana_compact)
    assert sum(y.us_awards_usd for y in years) == Decimal("1000000.01")
    assert sum(y.partner_planned_usd for y in years) == Decimal("500000.00")


def test_chart_is_accessible_svg_with_every_year(staff_user, ghana_compact):
    years = selectors.funding_picture(user=staff_user, compact=ghana_compact)
    svg = charts.funding_chart_svg(years, title="Ghana <funding>")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and "<title id=\"funding-title\">Ghana &lt;funding&gt;" in svg
    assert "<desc" in svg
    for fy in range(2022, 2028):
        assert f">FY{fy}</text>" in svg
    assert "No fiscal years" in charts.funding_chart_svg([], title="empty")


# --- Query budgets -----------------------------------------------------------------------

def compact_with_years(country_iso, years):
    country = PartnerCountryFactory(iso_code=country_iso)
    start = dt.date(2015, 10, 1)
    compact = CompactFactory(country=country, start_date=start,
                             end_date=dt.date(2015 + min(years, 5), 9, 30))
    if years > 5:
        from tests.compacts.factories import ExtensionFactory

        ExtensionFactory(compact=compact, new_end_date=dt.date(2015 + years, 9, 30))
    for fy in range(2016, 2016 + years):
        AwardFactory(compact=compact, start_date=dt.date(fy - 1, 10, 1),
                     end_date=dt.date(fy, 9, 30))
        ContributionFactory(compact=compact, fiscal_year=fy)
        ContributionFactory(compact=compact, fiscal_year=fy, kind="personnel",
                            personnel_count=3)
    plan = SustainabilityPlanFactory(compact=compact)
    for _ in range(years):
        MeasureFactory(plan=plan)
    return compact


def test_contributions_page_uses_the_same_queries_for_3_and_10_years(
    client, staff_user, django_assert_num_queries
):
    small = compact_with_years("KE", 3)
    large = compact_with_years("UG", 10)
    client.force_login(staff_user)
    client.get(f"/contributions/compacts/{small.pk}/")  # warm up the session
    # 22: session, user, roles, compact, contributions, awards, recorded sums, pledges, plan,
    # measures,
    # the dialogues offered in the add-a-contribution form, the header's "My work" count (the
    # sections that wait on staff, as My work lists them: results, proposals, contributions,
    # plans, unready dialogues with their key indicators and targets, failed reports; a list
    # and its count each, short or long) and the
    # records version it is cached under (computed here: inside the test's transaction
    # nothing is cached).
    with django_assert_num_queries(22) as small_queries:
        response = client.get(f"/contributions/compacts/{small.pk}/")
    assert len(response.context["funding_years"]) == 3
    with django_assert_num_queries(len(small_queries)):
        response = client.get(f"/contributions/compacts/{large.pk}/")
    assert len(response.context["funding_years"]) == 10
    assert len(response.context["contributions"]) == 20


def test_funding_picture_uses_the_same_queries_for_3_and_10_years(staff_user,
                                                                 django_assert_num_queries):
    small = selectors.compact_list(user=staff_user).get(pk=compact_with_years("KE", 3).pk)
    large = selectors.compact_list(user=staff_user).get(pk=compact_with_years("UG", 10).pk)
    with django_assert_num_queries(2):
        assert len(selectors.funding_picture(user=staff_user, compact=small)) == 3
    with django_assert_num_queries(2):
        assert len(selectors.funding_picture(user=staff_user, compact=large)) == 10


def test_overdue_plans_page_uses_the_same_queries_for_3_and_10_plans(
    client, staff_user, django_assert_num_queries
):
    def plans(n):
        for _ in range(n):
            SustainabilityPlanFactory(compact=CompactFactory(), requested=True)

    client.force_login(staff_user)
    plans(3)
    client.get("/contributions/overdue-plans/")
    # With the paginator's count, the header's "My work" count (eleven queries: the sections
    # that wait on staff, a list and its count each) and the records version it is cached
    # under.
    with django_assert_num_queries(17) as first:
        client.get("/contributions/overdue-plans/")
    plans(7)
    with django_assert_num_queries(len(first)):
        response = client.get("/contributions/overdue-plans/")
    assert len(response.context["plans"]) == 10


def test_a_year_without_a_recorded_contribution_reads_not_reported_never_zero(
    client, ghana_officer, ghana_compact
):
    ContributionFactory(compact=ghana_compact, fiscal_year=2023, amount_usd=Decimal("25000"))
    client.force_login(ghana_officer)
    content = client.get(f"/contributions/compacts/{ghana_compact.pk}/").content.decode()
    rows = {row.split("</th>")[0].rsplit(">", 1)[-1]: row
            for row in content.split('data-testid="funding-row"')[1:]}
    assert "$25,000" in rows["FY2023"]
    # 2024 has no contribution: its recorded figure is missing, not $0.
    recorded_2024 = rows["FY2024"].split("</td>")[2]
    assert "Not reported" in recorded_2024 and "$0" not in recorded_2024
