"""GAO's recommendation record: the public record loaded by the migration, the API (every
role reads, staff write, a reason for every status change), the page and the admin."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight.models import GaoAgencyAction, GaoRecommendation
from oversight.services import ERR_REASON_REQUIRED

pytestmark = pytest.mark.django_db

LIST = "/api/v1/gao-recommendations/"


def rec(number) -> GaoRecommendation:
    return GaoRecommendation.objects.get(number=number)


class TestTheMigratedPublicRecord:
    def test_six_recommendations_four_open_the_others_closed_implemented(self):
        statuses = dict(GaoRecommendation.objects.values_list("number", "status"))
        assert statuses == {1: "closed_implemented", 2: "closed_implemented",
                            3: "closed_implemented", 4: "open",
                            5: "closed_implemented", 6: "closed_implemented"}

    def test_recommendation_4_tells_its_public_history(self):
        four = rec(4)
        assert four.status_as_of == dt.date(2025, 5, 1)
        assert "October 2023" in four.concurrence and "concurred" in four.concurrence
        for said in ("November 2024", "did not mention targets", "December 2024",
                     "would revise", "May 2025", "update"):
            assert said in four.status_note, said
        action = four.actions.get()
        assert action.date == dt.date(2024, 12, 1)
        assert "revise" in action.description

    @pytest.mark.parametrize("number", [1, 2, 3, 5, 6])
    def test_closed_ones_cite_the_2024_2025_dialogues(self, number):
        recommendation = rec(number)
        assert recommendation.concurrence == "State concurred."
        action = recommendation.actions.get()
        for country in ("Colombia", "Peru", "Côte d'Ivoire"):
            assert country in action.description and country in action.evidence
        for document in ("Agendas", "discussion-question documents", "summaries"):
            assert document in action.evidence
        assert "September 2024\u2013January 2025" in action.description

    def test_texts_say_they_are_paraphrased_and_history_says_where_they_came_from(self):
        for recommendation in GaoRecommendation.objects.all():
            assert recommendation.text.endswith("(Paraphrased.)")
            first = recommendation.history.earliest()
            assert "GAO's public record" in first.history_change_reason


class TestApi:
    def test_shape_and_every_role_reads(self, staff_api, auditor_api, officer_api):
        for client in (staff_api, auditor_api, officer_api):
            response = client.get(LIST)
            assert response.status_code == 200
            body = response.json()
            assert body["count"] == 6
            four = next(r for r in body["results"] if r["number"] == 4)
            assert {"id", "number", "text", "status", "status_as_of", "concurrence",
                    "actions"} <= set(four)
            assert four["status"] == "open" and four["status_as_of"] == "2025-05-01"
            assert {"date", "description", "evidence"} <= set(four["actions"][0])
            assert four["actions"][0]["date"] == "2024-12-01"
        detail = staff_api.get(f"{LIST}{rec(1).pk}/").json()
        assert detail["number"] == 1 and detail["status"] == "closed_implemented"

    def test_anonymous_and_roleless_users_are_refused(self, client, api_for, no_role_user):
        assert api_for(None).get(LIST).status_code == 401
        assert api_for(no_role_user).get(LIST).status_code == 403

    def test_staff_add_an_action(self, staff_api, staff_user):
        response = staff_api.post(f"{LIST}{rec(4).pk}/actions/", {
            "date": "2025-03-01", "description": "Sample: the TIP Office drafted the guidance.",
            "evidence": "Sample: draft guidance, March 2025."}, format="json")
        assert response.status_code == 201
        action = GaoAgencyAction.objects.get(pk=response.json()["id"])
        assert action.recorded_by == staff_user and action.recommendation.number == 4
        listed = staff_api.get(f"{LIST}{rec(4).pk}/actions/").json()
        assert [a["date"] for a in listed["results"]] == ["2024-12-01", "2025-03-01"]

    def test_an_action_needs_its_evidence_and_a_past_date(self, staff_api):
        url = f"{LIST}{rec(4).pk}/actions/"
        missing = staff_api.post(url, {"date": "2025-03-01", "description": "x"}, format="json")
        assert missing.status_code == 400 and "evidence" in missing.json()
        future = staff_api.post(url, {"date": "2999-01-01", "description": "x",
                                      "evidence": "y"}, format="json")
        assert future.status_code == 400 and "date" in future.json()
        assert rec(4).actions.count() == 1

    def test_patch_without_a_reason_is_a_400_and_changes_nothing(self, staff_api):
        response = staff_api.patch(f"{LIST}{rec(4).pk}/", {"status": "closed_implemented"},
                                   format="json")
        assert response.status_code == 400
        assert "change_reason" in response.json()
        blank = staff_api.patch(f"{LIST}{rec(4).pk}/", {"status": "closed_implemented",
                                                        "change_reason": "  "}, format="json")
        assert blank.status_code == 400 and "change_reason" in blank.json()
        assert rec(4).status == "open"

    def test_patch_with_a_reason_changes_the_status_and_the_history_keeps_it(
            self, staff_api, staff_user):
        reason = "Sample: GAO closed it after the revised guidance."
        response = staff_api.patch(f"{LIST}{rec(4).pk}/", {
            "status": "closed_implemented", "status_as_of": "2025-06-02",
            "change_reason": reason}, format="json")
        assert response.status_code == 200
        assert response.json()["status"] == "closed_implemented"
        latest = rec(4).history.latest()
        assert latest.history_change_reason == reason
        assert latest.history_user == staff_user
        history = staff_api.get(f"{LIST}{rec(4).pk}/history/").json()["results"]
        assert history[0]["reason"] == reason and history[0]["user"] == staff_user.username
        assert {"field": "status", "old": "open", "new": "closed_implemented"} in (
            history[0]["changes"])

    def test_a_new_status_without_a_date_is_dated_today(self, staff_api):
        staff_api.patch(f"{LIST}{rec(4).pk}/", {"status": "closed_not_implemented",
                                                "change_reason": "Sample"}, format="json")
        assert rec(4).status_as_of == dt.date.today()

    def test_patch_touches_only_the_status_fields(self, staff_api):
        before = rec(4)
        staff_api.patch(f"{LIST}{before.pk}/", {"status_note": "Sample note", "text": "Other",
                                                "number": 9, "change_reason": "Sample"},
                        format="json")
        after = rec(4)
        assert after.status_note == "Sample note"
        assert (after.text, after.number, after.status) == (before.text, 4, "open")

    def test_auditors_and_officers_get_403_on_every_write(self, auditor_api, officer_api):
        for client in (auditor_api, officer_api):
            assert client.patch(f"{LIST}{rec(4).pk}/", {
                "status": "closed_implemented", "change_reason": "x"},
                format="json").status_code == 403
            assert client.post(f"{LIST}{rec(4).pk}/actions/", {
                "date": "2025-01-01", "description": "x", "evidence": "y"},
                format="json").status_code == 403
        assert rec(4).status == "open" and rec(4).actions.count() == 1

    def test_no_delete_and_no_create(self, staff_api):
        assert staff_api.delete(f"{LIST}{rec(4).pk}/").status_code == 405
        assert staff_api.post(LIST, {"number": 7}, format="json").status_code == 405

    def test_list_queries_do_not_grow_with_actions(self, staff_api,
                                                   django_assert_num_queries):
        staff_api.get("/api/v1/me/")
        with CaptureQueriesContext(connection) as few:
            staff_api.get(LIST)
        for number in range(1, 7):
            for day in range(1, 6):
                GaoAgencyAction.objects.create(recommendation=rec(number),
                                               date=dt.date(2025, 2, day),
                                               description="Sample", evidence="Sample")
        with django_assert_num_queries(len(few.captured_queries)):
            response = staff_api.get(LIST)
        assert sum(len(r["actions"]) for r in response.json()["results"]) == 36


PAGE = "/oversight/recommendations/"


class TestPage:
    def test_lists_the_six_with_status_actions_and_a_link_to_each_check(self, client,
                                                                       auditor_user):
        client.force_login(auditor_user)
        response = client.get(PAGE)
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('data-testid="gao-recommendation"') == 6
        assert html.count('data-testid="gao-status">Open<') == 1
        assert html.count('data-testid="gao-status">Closed, implemented<') == 5
        assert "#check-4" in html and 'id="recommendation-4"' in html
        assert "Côte d&#x27;Ivoire" in html
        # Auditors read; the staff forms are not theirs.
        assert 'data-testid="gao-status-form"' not in html

    def test_the_dashboard_has_the_anchor_the_page_links_to(self, client, staff_user,
                                                           ghana_compact):
        client.force_login(staff_user)
        html = client.get("/?fiscal_year=2024").content.decode()
        assert 'id="check-4"' in html and PAGE in html

    def test_staff_change_a_status_only_with_a_reason(self, client, staff_user):
        client.force_login(staff_user)
        url = f"/oversight/recommendations/{rec(4).pk}/status/"
        data = {"status": "closed_implemented", "status_as_of": "2025-06-02",
                "status_note": "Sample note", "change_reason": ""}
        refused = client.post(url, data)
        assert refused.status_code == 400
        assert ERR_REASON_REQUIRED in refused.content.decode()
        assert rec(4).status == "open"
        saved = client.post(url, data | {"change_reason": "Sample: GAO closed it."})
        assert saved.status_code == 302
        assert rec(4).status == "closed_implemented"
        html = client.get(PAGE).content.decode()
        assert "Sample: GAO closed it." in html  # the history, with its reason

    def test_staff_add_an_action_with_a_copy_of_the_evidence(self, client, staff_user,
                                                             auditor_user, private_storage):
        client.force_login(staff_user)
        response = client.post(f"/oversight/recommendations/{rec(4).pk}/actions/", {
            "date": "2025-03-01", "description": "Sample: draft guidance shared with GAO.",
            "evidence": "Sample: draft guidance, March 2025.",
            "evidence_file": SimpleUploadedFile("draft.pdf", b"%PDF-1.4 draft")})
        assert response.status_code == 302
        action = rec(4).actions.get(date=dt.date(2025, 3, 1))
        client.force_login(auditor_user)
        assert "Sample: draft guidance shared with GAO." in client.get(PAGE).content.decode()
        download = client.get(f"/oversight/recommendations/actions/{action.pk}/evidence/")
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment;")

    def test_a_bad_action_is_shown_beside_its_field(self, client, staff_user):
        client.force_login(staff_user)
        next_month = (dt.date.today() + dt.timedelta(days=30)).isoformat()
        response = client.post(f"/oversight/recommendations/{rec(2).pk}/actions/", {
            "date": next_month, "description": "x", "evidence": "y"})
        assert response.status_code == 400
        assert "The date cannot be in the future." in response.content.decode()
        assert rec(2).actions.count() == 1

    def test_officers_and_auditors_cannot_post(self, client, ghana_officer, auditor_user):
        for user in (ghana_officer, auditor_user):
            client.force_login(user)
            assert client.post(f"/oversight/recommendations/{rec(4).pk}/status/", {
                "status": "closed_implemented", "status_as_of": "2025-06-02",
                "change_reason": "x"}).status_code == 403
        assert rec(4).status == "open"

    def test_page_queries_do_not_grow_with_actions(self, client, staff_user,
                                                   django_assert_num_queries):
        client.force_login(staff_user)
        client.get(PAGE)
        with CaptureQueriesContext(connection) as few:
            client.get(PAGE)
        for number in range(1, 7):
            for day in range(1, 6):
                GaoAgencyAction.objects.create(recommendation=rec(number),
                                               date=dt.date(2025, 2, day),
                                               description="Sample", evidence="Sample")
        with django_assert_num_queries(len(few.captured_queries)):
            client.get(PAGE)


class TestAdmin:
    def test_staff_change_needs_a_reason_kept_in_the_history(self, client, staff_user):
        four = rec(4)
        client.force_login(staff_user)
        url = f"/admin/oversight/gaorecommendation/{four.pk}/change/"
        assert client.get(url).status_code == 200
        data = {"number": 4, "text": four.text, "concurrence": four.concurrence,
                "status": "closed_implemented", "status_as_of": "2025-06-02",
                "status_note": four.status_note, "change_reason": "",
                "actions-TOTAL_FORMS": 1, "actions-INITIAL_FORMS": 1,
                "actions-MIN_NUM_FORMS": 0, "actions-MAX_NUM_FORMS": 1000,
                "actions-0-id": four.actions.get().pk, "actions-0-recommendation": four.pk,
                "actions-0-date": "2024-12-01",
                "actions-0-description": four.actions.get().description,
                "actions-0-evidence": four.actions.get().evidence}
        assert client.post(url, data).status_code == 200  # the form again, with the error
        assert rec(4).status == "open"
        assert client.post(url, data | {"change_reason": "Sample reason"}).status_code == 302
        assert rec(4).status == "closed_implemented"
        assert rec(4).history.latest().history_change_reason == "Sample reason"

    def test_auditor_reads_and_cannot_change_or_delete(self, client, auditor_user):
        client.force_login(auditor_user)
        url = f"/admin/oversight/gaorecommendation/{rec(4).pk}/change/"
        assert client.get(url).status_code == 200
        assert client.post(url, {"status": "closed_implemented",
                                 "change_reason": "x"}).status_code == 403
        assert rec(4).status == "open"
