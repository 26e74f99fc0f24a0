"""Checks 4, 5 and 6 with substance: each is met only when the record holds the substance
(a quoted passage in a document, evidence of a verified contribution of value, a plan
requested in time and a discussion with notes), and each detail names what is missing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contributions import services as contribution_services
from contributions.models import (
    ERR_VERIFY_NO_EVIDENCE,
    ERR_VERIFY_ZERO,
    Contribution,
)
from oversight.compliance import compact_compliance
from tests.compacts.factories import GuidanceDocumentFactory
from tests.contributions.factories import ContributionFactory, SustainabilityPlanFactory
from tests.dialogues.factories import DialogueFactory
from tests.documents import pdf_bytes

# These tests write figures of past fiscal years, locked by now, about other rules.
pytestmark = pytest.mark.usefixtures("past_years_open")

FY = 2024
TODAY = dt.date(2025, 2, 1)  # after FY 2024 and its dialogue window (to 28 January 2025)


def check(compact, number, fiscal_year=FY, today=TODAY):
    checks = compact_compliance(compact=compact, fiscal_year=fiscal_year, today=today)
    return next(c for c in checks if c.recommendation == number)


def evidence(name="budget-extract.pdf"):
    return SimpleUploadedFile(name, pdf_bytes("Sample budget extract"))


# --- Check 5: partner contributions tracked --------------------------------------------------

class TestCheck5Contributions:
    def test_a_single_zero_contribution_without_evidence_or_verification_is_not_met(
            self, ghana_compact):
        ContributionFactory(compact=ghana_compact, fiscal_year=FY, amount_local=Decimal("0"),
                            amount_usd=Decimal("0"))
        result = check(ghana_compact, 5)
        assert result.status == "not_met"
        assert result.detail == (
            "1 contribution recorded for FY2024, none worth at least $1,000 with evidence "
            "and verification by a second person: 1 without evidence, 1 not verified, 1 of "
            "zero value.")

    def test_detail_counts_what_each_contribution_lacks(self, ghana_compact, staff_user,
                                                        private_storage):
        ContributionFactory(compact=ghana_compact, fiscal_year=FY)  # no evidence
        with_evidence = ContributionFactory(compact=ghana_compact, fiscal_year=FY,
                                            with_evidence=True)
        assert with_evidence.evidence
        result = check(ghana_compact, 5)
        assert result.status == "not_met"
        assert result.detail == (
            "2 contributions recorded for FY2024, none worth at least $1,000 with evidence "
            "and verification by a second person: 1 without evidence, 2 not verified.")

    def test_met_with_value_evidence_and_staff_verification(self, ghana_compact, staff_user,
                                                           private_storage):
        contribution = ContributionFactory(compact=ghana_compact, fiscal_year=FY,
                                           with_evidence=True,
                                           amount_usd=Decimal("57000.00"))
        ContributionFactory(compact=ghana_compact, fiscal_year=FY)  # another, unverified
        assert check(ghana_compact, 5).status == "not_met"
        contribution_services.contribution_verify(contribution=contribution, user=staff_user)
        result = check(ghana_compact, 5)
        assert result.status == "met"
        assert result.detail == (
            "2 contributions recorded for FY2024; 1 worth at least $1,000 with evidence and "
            "verification by a second person ($57,000.00).")

    def test_personnel_count_its_estimated_usd_value(self, ghana_compact, staff_user,
                                                     private_storage):
        # A head count alone can be verified (it is a value) but has no U.S. dollar value
        # to weigh against CHECK5_MIN_USD; its estimated cost does.
        contribution = ContributionFactory(
            compact=ghana_compact, fiscal_year=FY, kind="personnel", personnel_count=12,
            amount_local=Decimal("0"), amount_usd=Decimal("0"), with_evidence=True)
        contribution_services.contribution_verify(contribution=contribution, user=staff_user)
        result = check(ghana_compact, 5)
        assert result.status == "not_met" and "1 below $1,000" in result.detail
        contribution_services.contribution_update(
            contribution=contribution, data={"amount_usd": Decimal("36000.00")},
            reason="The personnel's value was left at zero")
        contribution_services.contribution_verify(contribution=contribution, user=staff_user)
        assert check(ghana_compact, 5).status == "met"

    def test_verified_contributions_of_other_years_do_not_count(self, ghana_compact,
                                                                staff_user, private_storage):
        other = ContributionFactory(compact=ghana_compact, fiscal_year=FY + 1,
                                    with_evidence=True)
        contribution_services.contribution_verify(contribution=other, user=staff_user)
        result = check(ghana_compact, 5)
        assert result.status == "not_met"
        assert result.detail == "No partner contribution is recorded for FY2024."

    def test_new_evidence_withdraws_the_verification(self, ghana_compact, staff_user,
                                                     private_storage):
        contribution = ContributionFactory(compact=ghana_compact, fiscal_year=FY,
                                           with_evidence=True)
        contribution_services.contribution_verify(contribution=contribution, user=staff_user)
        contribution_services.contribution_update(contribution=contribution,
                                                  data={"evidence": evidence("other.pdf")},
                                                  reason="The ministry sent a clearer extract")
        assert not contribution.verified
        assert check(ghana_compact, 5).status == "not_met"


class TestVerificationRules:
    def test_service_refuses_verification_without_evidence(self, ghana_compact, staff_user):
        contribution = ContributionFactory(compact=ghana_compact)
        with pytest.raises(ValidationError) as error:
            contribution_services.contribution_verify(contribution=contribution,
                                                      user=staff_user)
        assert error.value.message_dict == {"verified": [ERR_VERIFY_NO_EVIDENCE]}
        contribution.refresh_from_db()
        assert not contribution.verified and contribution.verified_by is None

    def test_service_refuses_verifying_a_zero_value(self, ghana_compact, staff_user,
                                                   private_storage):
        contribution = ContributionFactory(compact=ghana_compact, amount_local=Decimal("0"),
                                           amount_usd=Decimal("0"), with_evidence=True)
        with pytest.raises(ValidationError) as error:
            contribution_services.contribution_verify(contribution=contribution,
                                                      user=staff_user)
        assert error.value.message_dict == {"verified": [ERR_VERIFY_ZERO]}

    def test_the_database_refuses_an_unfounded_verification(self, ghana_compact, staff_user):
        from django.db import IntegrityError, transaction

        contribution = ContributionFactory(compact=ghana_compact)
        with pytest.raises(IntegrityError), transaction.atomic():
            Contribution.objects.filter(pk=contribution.pk).update(
                verified=True, verified_by=staff_user, verified_at=dt.datetime.now(dt.UTC))

    def test_api_verify_without_evidence_is_a_400_with_the_message(self, staff_api,
                                                                   ghana_compact):
        contribution = ContributionFactory(compact=ghana_compact)
        response = staff_api.post(f"/api/v1/contributions/{contribution.pk}/verify/")
        assert response.status_code == 400
        assert response.json() == {"verified": [ERR_VERIFY_NO_EVIDENCE]}
        contribution.refresh_from_db()
        assert not contribution.verified

    def test_api_verify_with_evidence_stamps_who_and_when(self, staff_api, supervisor_api,
                                                          supervisor_user, ghana_compact,
                                                          private_storage):
        contribution = ContributionFactory(compact=ghana_compact)
        upload = staff_api.patch(f"/api/v1/contributions/{contribution.pk}/",
                                 {"evidence": evidence()}, format="multipart")
        assert upload.status_code == 200 and upload.json()["has_evidence"] is True
        # Whoever attached the evidence does not verify it (four eyes).
        assert staff_api.post(
            f"/api/v1/contributions/{contribution.pk}/verify/").status_code == 409
        response = supervisor_api.post(f"/api/v1/contributions/{contribution.pk}/verify/")
        assert response.status_code == 200
        body = response.json()
        assert body["verified"] is True
        assert body["verified_by"] == supervisor_user.pk and body["verified_at"]

    def test_page_shows_the_refusal_beside_the_row(self, client, staff_user, ghana_compact,
                                                   private_storage):
        contribution = ContributionFactory(compact=ghana_compact)
        client.force_login(staff_user)
        response = client.post(f"/contributions/compacts/{ghana_compact.pk}/contributions/"
                               f"{contribution.pk}/verify/")
        assert response.status_code == 400
        html = response.content.decode()
        assert f'data-testid="row-error">{ERR_VERIFY_NO_EVIDENCE}<' in html
        contribution.refresh_from_db()
        assert not contribution.verified

    def test_page_attaches_evidence_then_verifies(self, client, staff_user, supervisor_user,
                                                  ghana_compact, private_storage):
        contribution = ContributionFactory(compact=ghana_compact)
        client.force_login(staff_user)
        base = f"/contributions/compacts/{ghana_compact.pk}/contributions/{contribution.pk}"
        assert 'data-testid="evidence-form"' in client.get(
            f"/contributions/compacts/{ghana_compact.pk}/").content.decode()
        missing = client.post(f"{base}/evidence/", {})
        assert missing.status_code == 400
        assert "Choose the evidence file to attach." in missing.content.decode()
        assert client.post(f"{base}/evidence/", {"evidence": evidence()}).status_code == 302
        assert client.post(f"{base}/verify/").status_code == 409  # four eyes
        client.force_login(supervisor_user)
        assert client.post(f"{base}/verify/").status_code == 302
        contribution.refresh_from_db()
        assert contribution.evidence and contribution.verified
        assert contribution.verified_by == supervisor_user

    def test_officer_attaches_evidence_in_own_country_but_cannot_verify(
            self, client, ghana_officer, ghana_compact, private_storage):
        contribution = ContributionFactory(compact=ghana_compact)
        client.force_login(ghana_officer)
        base = f"/contributions/compacts/{ghana_compact.pk}/contributions/{contribution.pk}"
        assert client.post(f"{base}/evidence/", {"evidence": evidence()}).status_code == 302
        assert client.post(f"{base}/verify/").status_code == 403
        contribution.refresh_from_db()
        assert contribution.evidence and not contribution.verified


# --- Check 6: sustainability discussed, plan requested in time and not overdue ---------------

HELD_ON = dt.date(2024, 3, 15)
NOTES = "The ministry will keep the shelter budget line after the compact."


@pytest.fixture
def dialogue(ghana_compact):
    return DialogueFactory(compact=ghana_compact, fiscal_year=FY, status="held",
                           scheduled_for=HELD_ON, held_on=HELD_ON,
                           sustainability_discussed=True, sustainability_notes=NOTES)


def requested_plan(compact, requested_on, due_on, **fields):
    fields.setdefault("measures", 1)
    return SustainabilityPlanFactory(compact=compact, status=fields.pop("status", "requested"),
                                     requested_on=requested_on, due_on=due_on, **fields)


class TestCheck6Sustainability:
    def test_plan_never_requested_is_not_met(self, ghana_compact, dialogue):
        SustainabilityPlanFactory(compact=ghana_compact)  # the record exists, not requested
        result = check(ghana_compact, 6)
        assert result.status == "not_met"
        assert result.detail == "The sustainability plan was never requested."

    def test_no_plan_record_is_never_requested_too(self, ghana_compact, dialogue):
        result = check(ghana_compact, 6)
        assert result.status == "not_met"
        assert "never requested" in result.detail

    def test_plan_requested_after_the_dialogue_is_not_met(self, ghana_compact, dialogue):
        requested_plan(ghana_compact, dt.date(2024, 3, 16), dt.date(2025, 6, 30))
        result = check(ghana_compact, 6)
        assert result.status == "not_met"
        assert result.detail == ("The sustainability plan was requested on 2024-03-16, after "
                                 "the dialogue of 2024-03-15.")

    def test_requested_on_the_day_of_the_dialogue_counts(self, ghana_compact, dialogue):
        requested_plan(ghana_compact, HELD_ON, dt.date(2025, 6, 30))
        assert check(ghana_compact, 6).status == "met"

    def test_met_when_requested_before_not_overdue_and_discussed_with_notes(
            self, ghana_compact, dialogue):
        requested_plan(ghana_compact, dt.date(2024, 1, 10), dt.date(2025, 6, 30))
        result = check(ghana_compact, 6)
        assert result.status == "met"
        assert result.detail == ("Sustainability was discussed at the dialogue of 2024-03-15, "
                                 "with notes; the plan was requested on 2024-01-10 and is due "
                                 "on 2025-06-30.")

    def test_a_flag_without_notes_is_no_discussion(self, ghana_compact, dialogue):
        requested_plan(ghana_compact, dt.date(2024, 1, 10), dt.date(2025, 6, 30))
        dialogue.sustainability_notes = "   "
        dialogue.save()
        result = check(ghana_compact, 6)
        assert result.status == "not_met"
        assert result.detail == ("The dialogue records no notes of its sustainability "
                                 "discussion.")

    def test_overdue_plan_is_not_met(self, ghana_compact, dialogue):
        requested_plan(ghana_compact, dt.date(2024, 1, 10), dt.date(2024, 6, 30))
        result = check(ghana_compact, 6)
        assert result.status == "not_met"
        assert result.detail == ("The sustainability plan was due on 2024-06-30 and has not "
                                 "been received.")

    def test_received_plan_is_not_overdue(self, ghana_compact, dialogue):
        requested_plan(ghana_compact, dt.date(2024, 1, 10), dt.date(2024, 6, 30),
                       status="received", received_on=dt.date(2024, 7, 2))
        result = check(ghana_compact, 6)
        assert result.status == "met"
        assert "received on 2024-07-02" in result.detail

    def test_every_missing_piece_is_named(self, ghana_compact, dialogue):
        dialogue.sustainability_discussed = False
        dialogue.save()
        result = check(ghana_compact, 6)
        assert result.status == "not_met"
        assert result.detail == ("Sustainability was not discussed at the dialogue; the "
                                 "sustainability plan was never requested.")

    def test_planned_dialogue_with_plan_never_requested_is_pending(self, ghana_compact):
        DialogueFactory(compact=ghana_compact, fiscal_year=FY, status="planned",
                        scheduled_for=dt.date(2024, 9, 20))
        result = check(ghana_compact, 6, today=dt.date(2024, 9, 1))
        assert (result.status, result.due_on) == ("pending", dt.date(2025, 1, 28))

    def test_planned_dialogue_with_overdue_plan_is_not_met(self, ghana_compact):
        DialogueFactory(compact=ghana_compact, fiscal_year=FY, status="planned",
                        scheduled_for=dt.date(2024, 9, 20))
        requested_plan(ghana_compact, dt.date(2024, 1, 10), dt.date(2024, 6, 30))
        assert check(ghana_compact, 6).status == "not_met"

    def test_pending_when_no_dialogue_is_due(self, ghana_compact):
        assert check(ghana_compact, 6, today=dt.date(2024, 1, 10)).status == "pending"


# --- Check 4: the guidance in force that fiscal year quotes the need for targets ---------------

PASSAGE = ("Each compact sets annual targets for its performance indicators at the annual "
           "dialogue, and the TIP Office reviews progress against those targets every year.")


def guidance(effective_from, version, *, passage="", document=True, **fields):
    # A version with a passage is confirmed by a second staff member unless a test says not.
    fields.setdefault("confirmed", bool(passage))
    return GuidanceDocumentFactory(
        version=version, effective_from=effective_from, targets_passage=passage,
        document=f"guidance/monitoring-guidance-{version}.pdf" if document else "", **fields)


class TestCheck4Guidance:
    def test_the_version_in_force_that_year_counts_not_todays(self, ghana_compact):
        guidance(dt.date(2022, 10, 1), "1.0")  # in force through FY2023: no passage
        guidance(dt.date(2025, 6, 1), "2.0", passage=PASSAGE)
        fy2023 = check(ghana_compact, 4, fiscal_year=2023, today=dt.date(2026, 1, 5))
        assert fy2023.status == "not_met"
        assert fy2023.detail == (
            "The guidance in force in FY2023, CPC Partnership Monitoring Guidance (v1.0) "
            "(effective 2022-10-01), quotes no passage on the need for targets.")
        fy2026 = check(ghana_compact, 4, fiscal_year=2026, today=dt.date(2026, 1, 5))
        assert fy2026.status == "met"
        assert "(v2.0) (effective 2025-06-01), references targets (confirmed on " in (
            fy2026.detail)
        assert "\u201cEach compact sets annual targets for its performance indicators" in (
            fy2026.detail)

    def test_a_version_taking_effect_during_the_year_is_the_years(self, ghana_compact):
        guidance(dt.date(2022, 10, 1), "1.0")
        guidance(dt.date(2025, 6, 1), "2.0", passage=PASSAGE)
        # FY2025 runs 1 October 2024 to 30 September 2025: 2.0 took effect within it.
        assert check(ghana_compact, 4, fiscal_year=2025).status == "met"
        assert check(ghana_compact, 4, fiscal_year=2024).status == "not_met"

    def test_the_passage_alone_is_not_enough_without_the_document(self, ghana_compact):
        guidance(dt.date(2022, 10, 1), "1.0", passage=PASSAGE, document=False)
        result = check(ghana_compact, 4)
        assert result.status == "not_met"
        assert result.detail.endswith("(effective 2022-10-01), has no document attached.")

    def test_neither_passage_nor_document(self, ghana_compact):
        guidance(dt.date(2022, 10, 1), "1.0", document=False)
        assert check(ghana_compact, 4).detail.endswith(
            "quotes no passage on the need for targets and has no document attached.")

    def test_none_in_force_before_the_first_version(self, ghana_compact):
        guidance(dt.date(2025, 6, 1), "2.0", passage=PASSAGE)
        result = check(ghana_compact, 4, fiscal_year=2024)
        assert result.status == "not_met"
        assert result.detail == "No program guidance version was in force in FY2024."

    def test_a_withdrawn_version_is_not_in_force_after_its_end(self, ghana_compact):
        guidance(dt.date(2021, 10, 1), "1.0", passage=PASSAGE,
                 effective_to=dt.date(2023, 9, 30))
        assert check(ghana_compact, 4, fiscal_year=2023).status == "met"
        assert check(ghana_compact, 4, fiscal_year=2024).detail == (
            "No program guidance version was in force in FY2024.")


    def test_no_guidance_at_all(self, ghana_compact):
        assert check(ghana_compact, 4).detail == "No program guidance document is recorded."

    def test_a_long_passage_is_quoted_in_short(self, ghana_compact):
        guidance(dt.date(2022, 10, 1), "1.0", passage=PASSAGE + " " + "More words. " * 30)
        detail = check(ghana_compact, 4).detail
        assert detail.endswith(" \u2026\u201d") and len(detail) < 400
