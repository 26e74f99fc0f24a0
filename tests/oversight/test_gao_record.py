"""GAO's recommendation record: the public record loaded by the migration, the API (every
role reads, staff write, a reason for every status change), the page and the admin."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight.models import ERR_ACTION_WHEN, GaoAgencyAction, GaoRecommendation
from oversight.services import ERR_REASON_REQUIRED

pytestmark = pytest.mark.django_db

LIST = "/api/v1/gao-recommendations/"


def rec(number) -> GaoRecommendation:
    return GaoRecommendation.objects.get(number=number)


CLOSED = (1, 2, 3, 5, 6)
# What GAO's record says of each closed recommendation (../shared/DOMAIN_FACTS.md), quoted in
# its action's description or evidence.
SOURCE_SAYS = {
    1: ("7\u20138 standard indicators", "starting point", "key indicators", "agenda",
        "discussion-question documents", "in advance of the meetings", "Peru", "Colombia",
        "Côte d'Ivoire"),
    2: ("CPC indicators were a topic of discussion", "Colombia, Peru and Côte d'Ivoire",
        "September 2024 to January 2025"),
    3: ("reporting template", "eliminated", "established as part of the annual dialogue "
        "discussions", "annual targets", "discussion agendas on indicators"),
    5: ("discussed the partner countries' contributions", "three dialogues",
        "2024 and 2025"),
    6: ("summaries", "sustainability was a topic of discussion"),
}


def _record() -> list:
    return [(r.number, r.text, r.concurrence, r.status, r.status_as_of, r.status_reported,
             r.status_note, [(a.date, a.period, a.description, a.evidence)
                             for a in r.actions.all()])
            for r in GaoRecommendation.objects.order_by("number")]


class TestTheMigratedPublicRecord:
    def test_six_recommendations_four_open_the_others_closed_implemented(self):
        statuses = dict(GaoRecommendation.objects.values_list("number", "status"))
        assert statuses == {1: "closed_implemented", 2: "closed_implemented",
                            3: "closed_implemented", 4: "open",
                            5: "closed_implemented", 6: "closed_implemented"}

    def test_recommendation_4_tells_its_public_history_without_an_invented_day(self):
        four = rec(4)
        # GAO asked for an update in May 2025: the month is public, the day is not.
        assert four.status_as_of is None and four.status_reported == "May 2025"
        assert "October 2023" in four.concurrence and "concurred" in four.concurrence
        for said in ("November 2024", "did not mention targets", "December 2024",
                     "would revise", "May 2025", "update"):
            assert said in four.status_note, said
        assert "1 May" not in four.status_note
        action = four.actions.get()
        assert action.date is None and action.period == "December 2024"
        assert "revise" in action.description and "1 December" not in action.description

    def test_closed_ones_carry_no_closure_date(self):
        # DOMAIN_FACTS: no public date is given for their closure; never an invented one.
        for number in CLOSED:
            recommendation = rec(number)
            assert recommendation.status == "closed_implemented"
            assert recommendation.concurrence == "State concurred."
            assert recommendation.status_as_of is None, number
            assert recommendation.status_reported == "2025"
            assert "no date for the closure" in recommendation.status_note
        assert not GaoRecommendation.objects.filter(status_as_of=dt.date(2025, 5, 1)).exists()

    def test_each_action_quotes_its_own_recommendations_evidence(self):
        actions = {number: rec(number).actions.get() for number in CLOSED}
        assert len({a.evidence for a in actions.values()}) == 5
        assert len({a.description for a in actions.values()}) == 5
        for number, said in SOURCE_SAYS.items():
            text = f"{actions[number].description} {actions[number].evidence}"
            for words in said:
                assert words in text, (number, words)
        # What the source does not say: contributions were discussed, not "tracked";
        # sustainability is known from the dialogue summaries.
        assert "track" not in actions[5].description + actions[5].evidence
        assert "summaries" in actions[6].evidence

    def test_no_action_is_dated_after_the_dialogues_or_on_an_invented_day(self):
        for action in GaoAgencyAction.objects.all():
            # The source gives months and spans, never a day: the period says when.
            assert action.date is None and action.period, action
        for number in (2, 5, 6):
            assert rec(number).actions.get().period == "September 2024 to January 2025"
        # Prepared in advance of the dialogues, so dated before them, not at their end.
        assert rec(1).actions.get().period.startswith("Before the annual dialogues")

    def test_a_record_loaded_by_the_earlier_migration_is_corrected_to_the_same_record(self):
        from importlib import import_module

        from django.apps import apps

        migration = import_module("oversight.migrations.0006_gao_public_record_as_told")
        fresh = _record()
        # Given the record as the earlier 0002 loaded it, and one action staff added since
        for number in range(1, 7):
            recommendation = rec(number)
            GaoRecommendation.objects.filter(pk=recommendation.pk).update(
                status_as_of=migration.EARLIER_CLOSED_AS_OF, status_reported="",
                status_note=(migration.EARLIER_FOUR_NOTE if number == 4
                             else migration.EARLIER_CLOSED_NOTE))
            GaoAgencyAction.objects.filter(recommendation=recommendation).update(
                date=(migration.EARLIER_FOUR_DATE if number == 4
                      else migration.EARLIER_DIALOGUE_DATE), period="",
                evidence="Agendas, discussion-question documents and summaries",
                description=migration.EARLIER_ACTIONS[number].format(
                    dialogues=migration.EARLIER_DIALOGUES))
        staff_added = GaoAgencyAction.objects.create(
            recommendation=rec(2), date=dt.date(2025, 1, 31), description="Sample by staff",
            evidence="Sample")
        # when the migration runs on it
        migration.load(apps, None)
        # then it reads as a fresh install does, the history says why, and staff's stays
        staff_added.refresh_from_db()
        assert staff_added.date == dt.date(2025, 1, 31)
        staff_added.delete()
        assert _record() == fresh
        corrected = rec(1).history.filter(history_change_reason=migration.CORRECTION)
        assert corrected.exists() and corrected.first().status_as_of is None

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
            assert {"id", "number", "text", "status", "status_as_of", "status_reported",
                    "concurrence", "actions"} <= set(four)
            assert four["status"] == "open" and four["status_as_of"] is None
            assert four["status_reported"] == "May 2025"
            assert {"date", "period", "description", "evidence"} <= set(four["actions"][0])
            assert four["actions"][0]["date"] is None
            assert four["actions"][0]["period"] == "December 2024"
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
        # The public record's undated action first, then the dated ones.
        assert [(a["date"], a["period"]) for a in listed["results"]] == [
            (None, "December 2024"), ("2025-03-01", "")]

    def test_an_action_the_source_gives_no_day_for_says_its_period(self, staff_api):
        url = f"{LIST}{rec(4).pk}/actions/"
        undated = staff_api.post(url, {"description": "x", "evidence": "y"}, format="json")
        assert undated.status_code == 400 and ERR_ACTION_WHEN in undated.json()["date"]
        response = staff_api.post(url, {"period": "March 2025", "description": "Sample",
                                        "evidence": "Sample"}, format="json")
        assert response.status_code == 201
        assert response.json()["date"] is None and response.json()["period"] == "March 2025"

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
        assert rec(4).status_reported == ""  # the day replaces "as reported by GAO, ..."

    def test_a_note_alone_keeps_an_undated_status_undated(self, staff_api):
        staff_api.patch(f"{LIST}{rec(1).pk}/", {"status_note": "Sample note",
                                                "change_reason": "Sample"}, format="json")
        one = rec(1)
        assert one.status_note == "Sample note"
        assert one.status_as_of is None and one.status_reported == "2025"

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

    def test_says_as_reported_by_gao_where_no_day_is_public(self, client, auditor_user):
        client.force_login(auditor_user)
        html = client.get(PAGE).content.decode()
        assert html.count("Closed, implemented, as reported by GAO, 2025") == 5
        assert "Open, as reported by GAO, May 2025" in html
        assert "May 1, 2025" not in html and "Jan 31, 2025" not in html
        assert html.count('data-testid="gao-action-when">September 2024 to January 2025<') == 3
        assert 'data-testid="gao-action-when">December 2024<' in html

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
        assert str(ERR_REASON_REQUIRED) in refused.content.decode()
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
                "actions-0-date": "", "actions-0-period": "December 2024",
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
