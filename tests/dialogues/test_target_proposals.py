"""Targets proposed at a dialogue: nothing at a dialogue changes a target until TIP staff
accept the proposal; staff reject with a note; a stale proposal cannot be accepted."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpc.services import StateConflict
from dialogues import proposals
from dialogues.models import TargetProposal, TargetSetting
from indicators.models import Target
from tests.dialogues.factories import (
    DialogueFactory,
    IndicatorFactory,
    TargetFactory,
    TargetProposalFactory,
)

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = pytest.mark.usefixtures("past_years_open")

D = Decimal


def set_at(target: Target) -> int | None:
    """The id of the dialogue at which ``target`` was agreed (its TargetSetting), or None."""
    return (TargetSetting.objects.filter(target=target)
            .values_list("dialogue_id", flat=True).first())


@pytest.fixture
def dialogue(ghana_compact):
    return DialogueFactory(compact=ghana_compact, fiscal_year=2025, status="held",
                           scheduled_for=dt.date(2024, 11, 5), held_on=dt.date(2024, 11, 5))


@pytest.fixture
def indicator(ghana_compact):
    return IndicatorFactory(compact=ghana_compact, code="PROT-1")


@pytest.fixture
def target_40(indicator):
    return TargetFactory(indicator=indicator, fiscal_year=2025, value=D("40"))


def targets_url(dialogue):
    return f"/api/v1/dialogues/{dialogue.pk}/targets/"


def propose(api, dialogue, indicator, value="45", **extra):
    return api.post(targets_url(dialogue),
                    {"indicator": indicator.pk, "value": value, **extra}, format="json")


class TestOfficerProposalWaitsForStaff:
    def test_the_target_stays_40_until_staff_accept_then_45_with_who_and_why(
        self, officer_api, staff_api, dialogue, indicator, target_40
    ):
        # Given an officer's proposal at the dialogue
        response = propose(officer_api, dialogue, indicator, "45")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["status"], body["value"], body["replaces_value"]) == (
            "pending", "45.0000", "40.0000")
        assert (body["indicator"], body["fiscal_year"], body["set_at_dialogue"]) == (
            indicator.pk, 2025, dialogue.pk)
        assert body["proposed_by"] == "officer.gh"
        # Then the target has not moved
        target_40.refresh_from_db()
        assert (target_40.value, set_at(target_40)) == (D("40"), None)

        # When TIP staff accept it
        accepted = staff_api.post(f"/api/v1/target-proposals/{body['id']}/accept/", {},
                                  format="json")
        assert accepted.status_code == 200, accepted.content
        assert (accepted.json()["status"], accepted.json()["decided_by"]) == (
            "accepted", "staff")
        # Then the target is 45, set at the dialogue, and its history says who and why
        target_40.refresh_from_db()
        assert (target_40.value, set_at(target_40)) == (D("45"), dialogue.pk)
        latest = target_40.history.order_by("-history_date", "-history_id").first()
        assert latest.history_user.username == "staff"
        assert latest.history_change_reason == (
            f"Target proposal {body['id']} made at the FY2025 dialogue by officer.gh, "
            "accepted by staff")
        history = staff_api.get(f"/api/v1/targets/{target_40.pk}/history/").json()["results"]
        assert history[0]["user"] == "staff" and "officer.gh" in history[0]["reason"]
        assert {"field": "value", "old": "40.0000", "new": "45.0000"} in history[0]["changes"]

    def test_accepting_a_proposal_for_a_year_without_a_target_creates_it(
        self, ghana_officer, staff_user, dialogue, indicator
    ):
        proposal = proposals.target_propose(user=ghana_officer, dialogue=dialogue,
                                            indicator=indicator, value=D("30"),
                                            fiscal_year=2026)
        assert proposal.replaces_value is None
        assert not Target.objects.exists()
        proposals.target_proposal_accept(user=staff_user, proposal=proposal)
        target = Target.objects.get()
        assert (target.fiscal_year, target.value, set_at(target)) == (
            2026, D("30"), dialogue.pk)

    def test_officer_cannot_accept_or_reject(self, officer_api, dialogue, indicator, target_40):
        proposal = TargetProposalFactory(dialogue=dialogue, indicator=indicator,
                                         replaces_value=D("40"))
        for decision in ("accept", "reject"):
            response = officer_api.post(
                f"/api/v1/target-proposals/{proposal.pk}/{decision}/",
                {"decision_note": "Fine by me."}, format="json")
            assert response.status_code == 403
        proposal.refresh_from_db()
        target_40.refresh_from_db()
        assert (proposal.status, target_40.value) == ("pending", D("40"))

    def test_the_services_refuse_non_staff_decisions_too(self, ghana_officer, dialogue,
                                                         indicator):
        proposal = TargetProposalFactory(dialogue=dialogue, indicator=indicator)
        with pytest.raises(PermissionDenied):
            proposals.target_proposal_accept(user=ghana_officer, proposal=proposal)


class TestWhatMayBeProposed:
    def test_a_past_fiscal_year_is_a_400(self, officer_api, dialogue, indicator):
        # A FY2017 target must not be rewritten from the FY2025 dialogue.
        response = propose(officer_api, dialogue, indicator, "999", fiscal_year=2024)
        assert response.status_code == 400
        assert response.json() == {"fiscal_year": [
            "A target proposed at the FY2025 dialogue is for FY2025 or a later year."]}
        assert not TargetProposal.objects.exists()

    def test_a_year_outside_the_compact_is_a_400(self, officer_api, dialogue, indicator):
        response = propose(officer_api, dialogue, indicator, fiscal_year=2031)
        assert response.status_code == 400 and "fiscal_year" in response.json()

    def test_a_year_the_indicator_is_not_tracked_is_a_400(self, officer_api, dialogue,
                                                          ghana_compact):
        dropped = IndicatorFactory(compact=ghana_compact, code="PROT-9", last_fiscal_year=2025)
        response = propose(officer_api, dialogue, dropped, fiscal_year=2026)
        assert response.status_code == 400
        assert "PROT-9 is not tracked in FY2026" in response.json()["fiscal_year"][0]

    def test_the_value_follows_the_units_rules(self, officer_api, dialogue, ghana_compact):
        share = IndicatorFactory(compact=ghana_compact, unit="percent")
        response = propose(officer_api, dialogue, share, "140")
        assert response.status_code == 400 and "value" in response.json()

    def test_an_indicator_of_another_compact_is_a_400(self, officer_api, dialogue, ghana):
        from tests.compacts.factories import CompactFactory

        other = IndicatorFactory(compact=CompactFactory(country=ghana, title="Second"))
        response = propose(officer_api, dialogue, other)
        assert response.status_code == 400 and "indicator" in response.json()

    def test_another_countrys_indicator_is_not_even_offered(self, officer_api, dialogue,
                                                            peru_compact):
        response = propose(officer_api, dialogue, IndicatorFactory(compact=peru_compact))
        assert response.status_code == 400 and "indicator" in response.json()

    def test_a_closed_dialogue_takes_no_proposal(self, officer_api, dialogue, indicator):
        dialogue.status, dialogue.summary = "closed", "Done."
        dialogue.save()
        assert propose(officer_api, dialogue, indicator).status_code == 409


class TestOnePendingProposal:
    def test_a_new_proposal_at_the_same_dialogue_replaces_the_pending_one(
        self, ghana_officer, dialogue, indicator, target_40
    ):
        first = proposals.target_propose(user=ghana_officer, dialogue=dialogue,
                                         indicator=indicator, value=D("45"))
        second = proposals.target_propose(user=ghana_officer, dialogue=dialogue,
                                          indicator=indicator, value=D("50"))
        assert second.pk == first.pk
        assert TargetProposal.objects.get().value == D("50")
        versions = list(second.history.order_by("history_date", "history_id"))
        assert [v.value for v in versions] == [D("45"), D("50")]
        assert versions[-1].history_change_reason == (
            "Replaced by a new proposal at the same dialogue (was 45).")

    def test_another_dialogues_proposal_waits_for_the_pending_one(
        self, ghana_officer, dialogue, indicator, ghana_compact
    ):
        proposals.target_propose(user=ghana_officer, dialogue=dialogue, indicator=indicator,
                                 value=D("45"), fiscal_year=2026)
        later = DialogueFactory(compact=ghana_compact, fiscal_year=2026)
        with pytest.raises(StateConflict) as conflict:
            proposals.target_propose(user=ghana_officer, dialogue=later, indicator=indicator,
                                     value=D("60"))
        assert "made at the FY2025 dialogue awaits TIP staff" in conflict.value.message
        assert TargetProposal.objects.count() == 1


class TestStaffDecisions:
    def test_staff_proposal_is_accepted_at_once_and_recorded_so(self, staff_api, dialogue,
                                                                indicator, target_40):
        response = propose(staff_api, dialogue, indicator, "48")
        assert response.status_code == 201
        body = response.json()
        assert (body["status"], body["decided_by"], body["replaces_value"]) == (
            "accepted", "staff", "40.0000")
        assert body["decision_note"] == proposals.STAFF_ACCEPT_NOTE
        target_40.refresh_from_db()
        assert (target_40.value, set_at(target_40)) == (D("48"), dialogue.pk)

    def test_a_stale_proposal_cannot_be_accepted(self, ghana_officer, staff_api, dialogue,
                                                 indicator, target_40):
        proposal = proposals.target_propose(user=ghana_officer, dialogue=dialogue,
                                            indicator=indicator, value=D("45"))
        # The target changes after the proposal was made
        assert staff_api.patch(f"/api/v1/targets/{target_40.pk}/", {"value": "50"},
                               format="json").status_code == 200
        response = staff_api.post(f"/api/v1/target-proposals/{proposal.pk}/accept/", {},
                                  format="json")
        assert response.status_code == 409
        assert response.json()["detail"] == (
            "The FY2025 target of PROT-1 has changed since this proposal was made (it was 40, "
            "it is 50). Reject the proposal, or propose again.")
        proposal.refresh_from_db()
        target_40.refresh_from_db()
        assert (proposal.status, target_40.value) == ("pending", D("50"))

    def test_reject_needs_a_note_and_leaves_the_target(self, ghana_officer, staff_api,
                                                       dialogue, indicator, target_40):
        proposal = proposals.target_propose(user=ghana_officer, dialogue=dialogue,
                                            indicator=indicator, value=D("45"))
        url = f"/api/v1/target-proposals/{proposal.pk}/reject/"
        response = staff_api.post(url, {"decision_note": "  "}, format="json")
        assert response.status_code == 400
        assert response.json() == {"decision_note": ["Say why the proposal is rejected."]}
        response = staff_api.post(url, {"decision_note": "Above the shelters' capacity."},
                                  format="json")
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["decision_note"]) == (
            "rejected", "Above the shelters' capacity.")
        target_40.refresh_from_db()
        assert target_40.value == D("40")

    def test_a_decided_proposal_is_not_decided_again(self, staff_user, staff_api, dialogue,
                                                     indicator):
        proposal = TargetProposalFactory(dialogue=dialogue, indicator=indicator)
        proposals.target_proposal_reject(user=staff_user, proposal=proposal,
                                         decision_note="No.")
        for decision in ("accept", "reject"):
            response = staff_api.post(f"/api/v1/target-proposals/{proposal.pk}/{decision}/",
                                      {"decision_note": "Again."}, format="json")
            assert response.status_code == 409

    def test_a_rejection_without_a_note_cannot_be_stored(self, dialogue, indicator):
        proposal = TargetProposalFactory(dialogue=dialogue, indicator=indicator)
        proposal.status = "rejected"
        with pytest.raises(ValidationError) as error:
            proposal.full_clean()
        assert "decision_note" in error.value.message_dict


class TestAuditors:
    def test_auditor_writes_nothing(self, auditor_api, dialogue, indicator, target_40):
        proposal = TargetProposalFactory(dialogue=dialogue, indicator=indicator,
                                         replaces_value=D("40"))
        assert propose(auditor_api, dialogue, indicator).status_code == 403
        for decision in ("accept", "reject"):
            assert auditor_api.post(f"/api/v1/target-proposals/{proposal.pk}/{decision}/",
                                    {"decision_note": "x"}, format="json").status_code == 403
        assert auditor_api.post("/api/v1/targets/", {
            "indicator": indicator.pk, "fiscal_year": 2026, "value": "1"}).status_code == 403
        proposal.refresh_from_db()
        assert proposal.status == "pending" and TargetProposal.objects.count() == 1

    def test_auditor_reads_proposals_and_their_history(self, auditor_api, dialogue, indicator):
        proposal = TargetProposalFactory(dialogue=dialogue, indicator=indicator)
        assert auditor_api.get(f"/api/v1/target-proposals/{proposal.pk}/").status_code == 200
        history = auditor_api.get(f"/api/v1/target-proposals/{proposal.pk}/history/")
        assert history.status_code == 200
        assert history.json()["results"][0]["action"] == "created"


class TestListing:
    def test_dialogue_targets_lists_proposals_and_the_targets_set_at_it(
        self, staff_api, ghana_officer, staff_user, dialogue, indicator, ghana_compact
    ):
        other = IndicatorFactory(compact=ghana_compact, code="PREV-1")
        proposals.target_propose(user=ghana_officer, dialogue=dialogue, indicator=indicator,
                                 value=D("45"))
        proposals.target_propose(user=staff_user, dialogue=dialogue, indicator=other,
                                 value=D("12"))
        body = staff_api.get(targets_url(dialogue)).json()
        assert body["count"] == 2
        rows = {row["indicator"]: row for row in body["results"]}
        assert rows[indicator.pk]["status"] == "pending"
        assert rows[other.pk]["status"] == "accepted"
        for row in body["results"]:
            assert {"indicator", "fiscal_year", "value", "set_at_dialogue"} <= set(row)
        assert [(t["indicator"], t["value"], t["set_at_dialogue"]) for t in body["targets_set"]
                ] == [(other.pk, "12.0000", dialogue.pk)]

    def test_filters_and_country_scope(self, officer_api, staff_api, dialogue, indicator,
                                       peru_compact):
        mine = TargetProposalFactory(dialogue=dialogue, indicator=indicator)
        theirs = TargetProposalFactory(dialogue=DialogueFactory(compact=peru_compact))
        listed = {row["id"] for row in officer_api.get("/api/v1/target-proposals/").json()[
            "results"]}
        assert listed == {mine.pk}
        assert officer_api.get(f"/api/v1/target-proposals/{theirs.pk}/").status_code == 404
        for query, expected in [(f"dialogue={dialogue.pk}", {mine.pk}),
                                (f"compact={peru_compact.pk}", {theirs.pk}),
                                ("status=pending", {mine.pk, theirs.pk}),
                                ("status=accepted", set())]:
            rows = staff_api.get(f"/api/v1/target-proposals/?{query}").json()["results"]
            assert {row["id"] for row in rows} == expected, query
        # Filtering by another country's compact tells an officer nothing.
        assert officer_api.get(f"/api/v1/target-proposals/?compact={peru_compact.pk}"
                               ).status_code == 400


# Pages ------------------------------------------------------------------------------------


def proposals_page(compact):
    return f"/dialogues/compact/{compact.pk}/target-proposals/"


class TestPages:
    def test_staff_accept_from_the_page(self, client, staff_user, ghana_officer, dialogue,
                                        indicator, target_40):
        proposal = proposals.target_propose(user=ghana_officer, dialogue=dialogue,
                                            indicator=indicator, value=D("45"))
        client.force_login(staff_user)
        content = client.get(proposals_page(dialogue.compact)).content.decode()
        assert 'data-testid="proposal-row"' in content and "PROT-1" in content
        assert 'data-testid="accept"' in content and "csrfmiddlewaretoken" in content
        response = client.post(f"/dialogues/target-proposals/{proposal.pk}/accept/",
                               follow=True)
        assert "PROT-1 FY2025 proposal accepted" in response.content.decode()
        target_40.refresh_from_db()
        assert target_40.value == D("45")

    def test_reject_without_a_note_is_shown_and_changes_nothing(
        self, client, staff_user, dialogue, indicator
    ):
        proposal = TargetProposalFactory(dialogue=dialogue, indicator=indicator)
        client.force_login(staff_user)
        url = f"/dialogues/target-proposals/{proposal.pk}/reject/"
        response = client.post(url, {"decision_note": ""}, follow=True)
        assert "Say why the proposal is rejected." in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.status == "pending"
        client.post(url, {"decision_note": "Not agreed with the ministry."})
        proposal.refresh_from_db()
        assert (proposal.status, proposal.decision_note) == (
            "rejected", "Not agreed with the ministry.")

    def test_stale_acceptance_is_a_message(self, client, staff_user, dialogue, indicator,
                                           target_40):
        proposal = TargetProposalFactory(dialogue=dialogue, indicator=indicator,
                                         replaces_value=D("30"))
        client.force_login(staff_user)
        content = client.get(proposals_page(dialogue.compact)).content.decode()
        assert 'data-testid="stale"' in content
        response = client.post(f"/dialogues/target-proposals/{proposal.pk}/accept/",
                               follow=True)
        assert "has changed since this proposal was made" in response.content.decode()
        target_40.refresh_from_db()
        assert target_40.value == D("40")

    def test_officers_and_auditors_read_but_cannot_decide(self, client, ghana_officer,
                                                          auditor_user, dialogue, indicator):
        proposal = TargetProposalFactory(dialogue=dialogue, indicator=indicator)
        for user in (ghana_officer, auditor_user):
            client.force_login(user)
            content = client.get(proposals_page(dialogue.compact)).content.decode()
            assert 'data-testid="proposal-row"' in content
            assert 'data-testid="accept"' not in content
            assert client.post(f"/dialogues/target-proposals/{proposal.pk}/accept/"
                               ).status_code == 403
        proposal.refresh_from_db()
        assert proposal.status == "pending"

    def test_another_countrys_proposals_are_404(self, client, ghana_officer, peru_compact):
        theirs = TargetProposalFactory(dialogue=DialogueFactory(compact=peru_compact))
        client.force_login(ghana_officer)
        assert client.get(proposals_page(peru_compact)).status_code == 404
        assert client.post(f"/dialogues/target-proposals/{theirs.pk}/accept/"
                           ).status_code == 404

    def test_the_indicators_page_leads_to_the_proposals(self, client, staff_user,
                                                         ghana_compact):
        client.force_login(staff_user)
        content = client.get(f"/indicators/compact/{ghana_compact.pk}/").content.decode()
        assert f'href="{proposals_page(ghana_compact)}"' in content

    def test_dialogue_page_lists_proposals_and_counts_agreed_targets(
        self, client, auditor_user, ghana_officer, staff_user, dialogue, indicator,
        ghana_compact
    ):
        other = IndicatorFactory(compact=ghana_compact, code="PREV-1")
        proposals.target_propose(user=ghana_officer, dialogue=dialogue, indicator=indicator,
                                 value=D("45"))
        proposals.target_propose(user=staff_user, dialogue=dialogue, indicator=other,
                                 value=D("12"))
        client.force_login(auditor_user)
        content = client.get(f"/dialogues/{dialogue.pk}/").content.decode()
        assert "Targets agreed: <strong>1</strong>" in content
        table = content[content.index('data-testid="dialogue-proposals"'):]
        assert "PROT-1" in table and "Pending" in table and "Accepted" in table

    def test_officer_logging_a_past_year_target_sees_the_error_beside_it(
        self, client, ghana_officer, dialogue, indicator
    ):
        from tests.dialogues.test_pages import outcomes_payload

        # The key indicators were picked before the dialogue was held.
        dialogue.key_indicators.set([indicator])
        type(dialogue).objects.filter(pk=dialogue.pk).update(
            key_indicators_identified_on=dt.date(2024, 10, 1))
        client.force_login(ghana_officer)
        payload = outcomes_payload(proposals=[(indicator, "2024", "140")])
        response = client.post(f"/dialogues/{dialogue.pk}/record/outcomes/", payload)
        assert response.status_code == 400
        assert "for FY2025 or a later year" in response.content.decode()
        assert not TargetProposal.objects.exists()
        dialogue.refresh_from_db()
        assert dialogue.summary == ""


def test_pdf_counts_targets_agreed_at_each_dialogue(ghana_compact, ghana_officer, staff_user,
                                                     dialogue, indicator):
    from django.utils import timezone

    from reports.content import report_content

    other = IndicatorFactory(compact=ghana_compact, code="PREV-1")
    proposals.target_propose(user=ghana_officer, dialogue=dialogue, indicator=indicator,
                             value=D("45"))
    proposals.target_propose(user=staff_user, dialogue=dialogue, indicator=other,
                             value=D("12"))
    content = report_content(kind="compact_oversight", fiscal_year=2025,
                             compact_id=ghana_compact.pk, data_as_of=timezone.now())
    (row,) = content.sections[0].dialogues
    assert row.targets_agreed == 1
