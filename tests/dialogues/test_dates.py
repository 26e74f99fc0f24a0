"""Dialogue dates agree with the fiscal year, the compact's term, and each other.

The compact factory's term is 26 April 2022 to 26 April 2027 (FY2022-FY2027)."""

import datetime as dt

import pytest
from django.utils import timezone

from compacts import services as compact_services
from cpc.fiscal import fiscal_year_of
from dialogues.models import DIALOGUE_DAYS_AFTER_FISCAL_YEAR, Dialogue
from tests.compacts.factories import CompactFactory
from tests.dialogues.factories import DialogueFactory, IndicatorFactory

DIALOGUES = "/api/v1/dialogues/"


def plan(api, compact, fiscal_year, scheduled_for, **extra):
    return api.post(DIALOGUES, {"compact": compact.pk, "fiscal_year": fiscal_year,
                                "scheduled_for": scheduled_for, "format": "virtual"} | extra)


def identified(dialogue, day):
    """Key indicators picked on ``day`` (the server stamps the real day; tests go back)."""
    dialogue.key_indicators.set([IndicatorFactory(compact=dialogue.compact)])
    Dialogue.objects.filter(pk=dialogue.pk).update(key_indicators_identified_on=day)
    dialogue.refresh_from_db()
    return dialogue


class TestWithinTheFiscalYear:
    def test_fy2015_dialogue_dated_december_2026_is_refused_on_scheduled_for(
            self, staff_api, ghana):
        ghana_2015 = CompactFactory(country=ghana, signed_on=dt.date(2015, 6, 23),
                                    start_date=dt.date(2015, 6, 23),
                                    end_date=dt.date(2020, 6, 23))
        response = plan(staff_api, ghana_2015, 2015, "2026-12-15")
        assert response.status_code == 400
        errors = response.json()["scheduled_for"]
        assert any("FY2015" in e and "2014-10-01" in e for e in errors)
        assert any("compact's term" in e and "2020-06-23" in e for e in errors)
        assert not Dialogue.objects.exists()

    def test_up_to_120_days_after_the_year_ends_and_no_later(self, staff_api, ghana_compact):
        assert DIALOGUE_DAYS_AFTER_FISCAL_YEAR == 120
        # FY2024 ended on 30 September 2024; 120 days later is 28 January 2025.
        late = plan(staff_api, ghana_compact, 2024, "2025-01-29")
        assert late.status_code == 400
        assert "2025-01-28" in late.json()["scheduled_for"][0]
        assert not Dialogue.objects.exists()
        on_time = plan(staff_api, ghana_compact, 2024, "2025-01-28")
        assert on_time.status_code == 201, on_time.json()

    def test_before_the_fiscal_year_starts_is_refused(self, staff_api, ghana_compact):
        response = plan(staff_api, ghana_compact, 2025, "2024-09-30")
        assert response.status_code == 400
        assert "scheduled_for" in response.json()

    def test_held_on_follows_the_same_window(self, staff_api, ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2024,
                                   scheduled_for=dt.date(2025, 1, 20))
        url = f"{DIALOGUES}{dialogue.pk}/hold/"
        late = staff_api.post(url, {"held_on": "2025-01-29"})
        assert late.status_code == 400
        assert "held_on" in late.json()
        dialogue.refresh_from_db()
        assert (dialogue.status, dialogue.held_on) == ("planned", None)
        assert staff_api.post(url, {"held_on": "2025-01-28"}).status_code == 200

    def test_moving_a_dialogue_out_of_its_year_is_refused(self, officer_api, ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2024)
        response = officer_api.patch(f"{DIALOGUES}{dialogue.pk}/",
                                     {"scheduled_for": "2026-03-01"})
        assert response.status_code == 400
        assert "scheduled_for" in response.json()
        dialogue.refresh_from_db()
        assert dialogue.scheduled_for == dt.date(2024, 3, 15)


class TestWithinTheCompactTerm:
    def test_before_the_compact_starts_is_refused(self, staff_api, ghana_compact):
        response = plan(staff_api, ghana_compact, 2022, "2022-03-01")  # starts 26 April
        assert response.status_code == 400
        assert any("compact's term" in e for e in response.json()["scheduled_for"])

    def test_after_the_compact_ends_is_refused(self, staff_api, ghana_compact):
        response = plan(staff_api, ghana_compact, 2027, "2027-05-10")  # ends 26 April 2027
        assert response.status_code == 400
        assert any("2027-04-26" in e for e in response.json()["scheduled_for"])

    def test_inside_an_extension_is_accepted_and_after_it_refused(self, staff_api, staff_user,
                                                                  ghana_compact):
        compact_services.extension_create(
            user=staff_user, compact=ghana_compact, signed_on=dt.date(2027, 1, 10),
            new_end_date=dt.date(2027, 6, 30), reason="A fifth year of shelter support.")
        after = plan(staff_api, ghana_compact, 2027, "2027-07-15")
        assert after.status_code == 400
        assert any("2027-06-30" in e for e in after.json()["scheduled_for"])
        inside = plan(staff_api, ghana_compact, 2027, "2027-05-10")
        assert inside.status_code == 201, inside.json()


class TestHeldAfterWhatComesBefore:
    def test_held_before_key_indicators_were_identified_is_refused_on_held_on(
            self, staff_api, ghana_compact):
        dialogue = identified(DialogueFactory(compact=ghana_compact, fiscal_year=2024,
                                              scheduled_for=dt.date(2024, 1, 20)),
                              dt.date(2024, 2, 1))
        url = f"{DIALOGUES}{dialogue.pk}/hold/"
        refused = staff_api.post(url, {"held_on": "2024-01-25"})
        assert refused.status_code == 400
        assert "2024-02-01" in refused.json()["held_on"][0]
        dialogue.refresh_from_db()
        assert dialogue.status == "planned"
        assert staff_api.post(url, {"held_on": "2024-02-01"}).status_code == 200

    def test_held_before_key_indicators_were_shared_is_refused(self, staff_api, ghana_compact):
        dialogue = identified(DialogueFactory(compact=ghana_compact, fiscal_year=2024,
                                              scheduled_for=dt.date(2024, 2, 5)),
                              dt.date(2024, 2, 1))
        Dialogue.objects.filter(pk=dialogue.pk).update(
            key_indicators_shared_on=dt.date(2024, 2, 20), key_indicators_shared_via="email")
        response = staff_api.post(f"{DIALOGUES}{dialogue.pk}/hold/", {"held_on": "2024-02-10"})
        assert response.status_code == 400
        assert "2024-02-20" in response.json()["held_on"][0]

    def test_held_before_the_scheduled_day_needs_the_schedule_corrected(self, staff_api,
                                                                        ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2024,
                                   scheduled_for=dt.date(2024, 3, 15))
        url = f"{DIALOGUES}{dialogue.pk}/"
        early = staff_api.post(f"{url}hold/", {"held_on": "2024-03-01"})
        assert early.status_code == 400
        assert "scheduled" in early.json()["held_on"][0]
        corrected = staff_api.patch(url, {"scheduled_for": "2024-03-01", "status": "held",
                                          "held_on": "2024-03-01"})
        assert corrected.status_code == 200, corrected.json()
        dialogue.refresh_from_db()
        assert (dialogue.scheduled_for, dialogue.held_on) == (dt.date(2024, 3, 1),) * 2

    def test_key_indicators_first_picked_after_the_dialogue_was_held_are_refused(
            self, officer_api, ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2024, status="held",
                                   held_on=dt.date(2024, 3, 15))
        indicator = IndicatorFactory(compact=ghana_compact)
        response = officer_api.patch(f"{DIALOGUES}{dialogue.pk}/",
                                     {"key_indicators": [indicator.pk]})
        assert response.status_code == 409  # held: its preparation is frozen
        assert "can no longer change" in response.json()["detail"]
        dialogue.refresh_from_db()
        assert dialogue.key_indicators_identified_on is None
        assert not dialogue.key_indicators.exists()


class TestSharedDate:
    @pytest.fixture
    def dialogue(self, ghana_compact):
        return identified(DialogueFactory(compact=ghana_compact, fiscal_year=2024),
                          dt.date(2024, 2, 1))

    def test_officer_records_when_and_how_key_indicators_were_shared(self, officer_api,
                                                                     dialogue):
        response = officer_api.patch(f"{DIALOGUES}{dialogue.pk}/", {
            "key_indicators_shared_on": "2024-02-05",
            "key_indicators_shared_via": "diplomatic_note",
            "key_indicators_shared_note": "Note verbale 2024/117 to the Ministry."})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["key_indicators_shared_on"] == "2024-02-05"
        assert body["key_indicators_shared_via"] == "diplomatic_note"
        assert body["key_indicators_identified_on"] == "2024-02-01"

    def test_shared_before_identified_is_refused(self, officer_api, dialogue):
        response = officer_api.patch(f"{DIALOGUES}{dialogue.pk}/", {
            "key_indicators_shared_on": "2024-01-31", "key_indicators_shared_via": "email"})
        assert response.status_code == 400
        assert "2024-02-01" in response.json()["key_indicators_shared_on"][0]
        dialogue.refresh_from_db()
        assert dialogue.key_indicators_shared_on is None

    def test_shared_in_the_future_is_refused(self, officer_api, dialogue):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        response = officer_api.patch(f"{DIALOGUES}{dialogue.pk}/", {
            "key_indicators_shared_on": tomorrow.isoformat(), "key_indicators_shared_via": "email"})
        assert response.status_code == 400
        assert "future" in response.json()["key_indicators_shared_on"][0]

    def test_shared_without_key_indicators_is_refused(self, officer_api, ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2024)
        response = officer_api.patch(f"{DIALOGUES}{dialogue.pk}/", {
            "key_indicators_shared_on": "2024-02-05", "key_indicators_shared_via": "email"})
        assert response.status_code == 400
        assert "key_indicators_shared_on" in response.json()

    def test_key_indicators_picked_and_shared_today_in_one_request(self, officer_api,
                                                                   ghana_compact):
        # A compact running today, so a dialogue of this fiscal year can be planned.
        today = timezone.localdate()
        compact = CompactFactory(country=ghana_compact.country,
                                 start_date=today - dt.timedelta(days=400),
                                 end_date=today + dt.timedelta(days=800))
        indicator = IndicatorFactory(compact=compact)
        response = plan(officer_api, compact, fiscal_year_of(today),
                        (today + dt.timedelta(days=7)).isoformat(),
                        key_indicators=[indicator.pk],
                        key_indicators_shared_on=today.isoformat(),
                        key_indicators_shared_via="meeting")
        assert response.status_code == 201, response.json()
        assert response.json()["key_indicators_identified_on"] == today.isoformat()

    def test_a_channel_needs_the_date_and_other_needs_a_note(self, officer_api, dialogue):
        url = f"{DIALOGUES}{dialogue.pk}/"
        no_date = officer_api.patch(url, {"key_indicators_shared_via": "email"})
        assert no_date.status_code == 400
        assert "key_indicators_shared_on" in no_date.json()
        other = officer_api.patch(url, {"key_indicators_shared_on": "2024-02-05",
                                        "key_indicators_shared_via": "other"})
        assert other.status_code == 400
        assert "key_indicators_shared_note" in other.json()
        bad_channel = officer_api.patch(url, {"key_indicators_shared_on": "2024-02-05",
                                              "key_indicators_shared_via": "pigeon"})
        assert bad_channel.status_code == 400
        assert "key_indicators_shared_via" in bad_channel.json()

    def test_auditor_cannot_record_sharing(self, auditor_api, dialogue):
        response = auditor_api.patch(f"{DIALOGUES}{dialogue.pk}/", {
            "key_indicators_shared_on": "2024-02-05", "key_indicators_shared_via": "email"})
        assert response.status_code == 403


class TestPagesShowDateErrors:
    def test_log_page_shows_the_error_beside_scheduled_for(self, client, ghana_officer,
                                                           ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2024)
        client.force_login(ghana_officer)
        response = client.post(f"/dialogues/{dialogue.pk}/record/prepare/", log_form(
            scheduled_for="2026-12-15"))
        assert response.status_code == 400
        form = response.context["form"]
        assert any("FY2024" in e for e in form.errors["scheduled_for"])
        dialogue.refresh_from_db()
        assert dialogue.scheduled_for == dt.date(2024, 3, 15)

    def test_log_page_records_when_and_how_key_indicators_were_shared(
            self, client, ghana_officer, ghana_compact):
        dialogue = identified(DialogueFactory(compact=ghana_compact, fiscal_year=2024),
                              dt.date(2024, 2, 1))
        client.force_login(ghana_officer)
        page = client.get(f"/dialogues/{dialogue.pk}/record/prepare/").content.decode()
        assert 'name="key_indicators_shared_on"' in page
        assert 'name="key_indicators_shared_via"' in page
        response = client.post(f"/dialogues/{dialogue.pk}/record/prepare/", log_form(
            key_indicators=[i.pk for i in dialogue.key_indicators.all()],
            key_indicators_shared_on="2024-02-06", key_indicators_shared_via="email"))
        assert response.status_code == 302, response.content.decode()[:2000]
        dialogue.refresh_from_db()
        assert (dialogue.key_indicators_shared_on, dialogue.key_indicators_shared_via) == (
            dt.date(2024, 2, 6), "email")
        detail = client.get(f"/dialogues/{dialogue.pk}/").content.decode()
        assert "Shared with the partner government on February 6, 2024; channel: Email" in detail
        pack = client.get(f"/dialogues/{dialogue.pk}/preparation/").content.decode()
        assert "Shared with the partner government on February 6, 2024; channel: Email" in pack

    def test_log_page_shows_a_shared_date_before_identification_beside_the_field(
            self, client, ghana_officer, ghana_compact):
        dialogue = identified(DialogueFactory(compact=ghana_compact, fiscal_year=2024),
                              dt.date(2024, 2, 1))
        client.force_login(ghana_officer)
        response = client.post(f"/dialogues/{dialogue.pk}/record/prepare/", log_form(
            key_indicators_shared_on="2024-01-15", key_indicators_shared_via="email"))
        assert response.status_code == 400
        assert response.context["form"].errors["key_indicators_shared_on"]
        dialogue.refresh_from_db()
        assert dialogue.key_indicators_shared_on is None

    def test_log_page_shows_an_error_on_a_field_it_does_not_show(self, client, ghana_officer,
                                                                 ghana_compact):
        # Held on 15 March; moving the schedule after that day breaks a rule on held_on.
        dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2024, status="held",
                                   held_on=dt.date(2024, 3, 15))
        client.force_login(ghana_officer)
        response = client.post(f"/dialogues/{dialogue.pk}/record/prepare/", log_form(
            scheduled_for="2024-04-01"))
        assert response.status_code == 400
        assert any("scheduled" in e for e in response.context["form"].non_field_errors())

    def test_hold_form_shows_the_error_on_the_dialogue_page(self, client, ghana_officer,
                                                            ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2024)
        client.force_login(ghana_officer)
        response = client.post(f"/dialogues/{dialogue.pk}/hold/", {"held_on": "2024-03-01"})
        assert response.status_code == 400
        assert response.context["hold_form"].errors["held_on"]
        assert "usa-error-message" in response.content.decode()
        dialogue.refresh_from_db()
        assert dialogue.status == "planned"

    def test_new_dialogue_page_shows_the_error_beside_scheduled_for(self, client,
                                                                    ghana_officer,
                                                                    ghana_compact):
        client.force_login(ghana_officer)
        response = client.post(f"/dialogues/new/?compact={ghana_compact.pk}", {
            "fiscal_year": "2025", "scheduled_for": "2026-03-10", "format": "virtual"})
        assert response.status_code == 400
        assert response.context["form"].errors["scheduled_for"]
        assert not Dialogue.objects.exists()


def log_form(**overrides):
    """What the prepare step posts with nothing else filled in."""
    return {"scheduled_for": "2024-03-15", "format": "in_person"} | overrides
