from decimal import Decimal

from tests.dialogues.factories import (
    ActionItemFactory,
    DialogueFactory,
    IndicatorFactory,
    ResultFactory,
    TargetFactory,
)


def test_officer_reads_own_dialogue_and_gets_404_for_other_country(client, ghana_officer,
                                                                    ghana_compact, peru_compact):
    mine = DialogueFactory(compact=ghana_compact)
    theirs = DialogueFactory(compact=peru_compact)
    client.force_login(ghana_officer)
    assert client.get(f"/dialogues/{mine.pk}/").status_code == 200
    assert client.get(f"/dialogues/{theirs.pk}/").status_code == 404
    assert client.get(f"/dialogues/{theirs.pk}/preparation/").status_code == 404


def test_preparation_pack_lists_key_figures_and_open_items(client, auditor_user, ghana_compact):
    key = IndicatorFactory(compact=ghana_compact, code="PROT-1", name="Child victims referred")
    TargetFactory(indicator=key, fiscal_year=2025, value=Decimal("150"))
    ResultFactory(indicator=key, fiscal_year=2025, value=Decimal("120"))
    last_year = DialogueFactory(compact=ghana_compact, fiscal_year=2024)
    ActionItemFactory(dialogue=last_year, description="Publish the shelter standards")
    ActionItemFactory(dialogue=last_year, description="Already finished", status="done")
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2025)
    dialogue.key_indicators.set([key])
    client.force_login(auditor_user)
    content = client.get(f"/dialogues/{dialogue.pk}/preparation/").content.decode()
    assert "PROT-1 Child victims referred" in content
    assert "150" in content and "120" in content
    assert "Publish the shelter standards" in content
    assert "Already finished" not in content


def test_dialogue_page_uses_the_same_queries_for_5_and_50_indicators(
    client, staff_user, ghana_compact, peru_compact, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def build(compact, n):
        dialogue = DialogueFactory(compact=compact, status="held")
        indicators = [IndicatorFactory(compact=compact) for _ in range(n)]
        dialogue.key_indicators.set(indicators)
        for _ in indicators:
            ActionItemFactory(dialogue=dialogue)
        return dialogue

    small, large = build(ghana_compact, 5), build(peru_compact, 50)
    client.force_login(staff_user)
    client.get(f"/dialogues/{small.pk}/")
    for suffix in ["", "preparation/"]:
        with CaptureQueriesContext(connection) as few:
            assert client.get(f"/dialogues/{small.pk}/{suffix}").status_code == 200
        with django_assert_num_queries(len(few.captured_queries)):
            assert client.get(f"/dialogues/{large.pk}/{suffix}").status_code == 200


def log_payload(dialogue, indicators, **overrides):
    data = {
        "scheduled_for": "2025-03-10", "format": "hybrid",
        "key_indicators": [i.pk for i in indicators],
        "summary": "Reviewed progress with the partner government.",
        "contributions_discussed": "on", "contributions_notes": "Ministry staff seconded.",
        "sustainability_discussed": "on", "sustainability_notes": "Shelter budget line.",
        "participants-TOTAL_FORMS": "2", "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "0", "participants-MAX_NUM_FORMS": "1000",
        "participants-0-name": "Ama Mensah", "participants-0-organization": "Ghana Police",
        "participants-0-side": "partner_government",
        "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
        "items-0-description": "Share the referral data", "items-0-owner": "Police",
        "items-0-due_on": "2025-06-30", "items-0-status": "open",
        "items-1-status": "open",  # a blank row as the browser sends it
    }
    for indicator in indicators:
        data[f"ind-{indicator.pk}-notes"] = f"Discussed {indicator.code} and its data."
        data[f"ind-{indicator.pk}-target_value"] = "140"
        data[f"ind-{indicator.pk}-target_year"] = "2025"
    return data | overrides


def test_officer_logs_a_whole_dialogue_from_one_page(client, ghana_officer, ghana_compact):
    from indicators.models import Target

    indicators = [IndicatorFactory(compact=ghana_compact) for _ in range(2)]
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2025)
    client.force_login(ghana_officer)
    assert client.get(f"/dialogues/{dialogue.pk}/log/").status_code == 200
    response = client.post(f"/dialogues/{dialogue.pk}/log/", log_payload(dialogue, indicators))
    assert response.status_code == 302, response.content.decode()[:3000]
    dialogue.refresh_from_db()
    assert dialogue.key_indicators.count() == 2
    assert dialogue.key_indicators_identified_on is not None
    assert dialogue.participants.get().name == "Ama Mensah"
    assert dialogue.discussions.count() == 2
    assert dialogue.action_items.get().description == "Share the referral data"
    assert dialogue.sustainability_discussed and dialogue.contributions_discussed
    # The officer's targets are proposals: no target changes until TIP staff accept them.
    assert not Target.objects.filter(set_at_dialogue=dialogue).exists()
    proposed = dialogue.target_proposals.all()
    assert proposed.count() == 2
    assert {(p.value, p.status) for p in proposed} == {(Decimal("140"), "pending")}


def test_bad_target_shows_error_and_saves_nothing(client, ghana_officer, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, unit="percent")
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2025)
    client.force_login(ghana_officer)
    payload = log_payload(dialogue, [indicator], **{
        f"ind-{indicator.pk}-target_year": "2031"})  # the compact ends in FY 2027
    response = client.post(f"/dialogues/{dialogue.pk}/log/", payload)
    assert response.status_code == 400
    assert b"usa-error-message" in response.content
    dialogue.refresh_from_db()
    assert dialogue.summary == ""
    assert not dialogue.participants.exists()
    assert not dialogue.discussions.exists()


def test_auditor_and_other_country_cannot_log(client, auditor_user, ghana_officer,
                                              peru_compact, ghana_compact):
    mine = DialogueFactory(compact=ghana_compact)
    theirs = DialogueFactory(compact=peru_compact)
    client.force_login(auditor_user)
    assert client.get(f"/dialogues/{mine.pk}/log/").status_code == 403
    assert client.post(f"/dialogues/{mine.pk}/close/").status_code == 403
    client.force_login(ghana_officer)
    assert client.get(f"/dialogues/{theirs.pk}/log/").status_code == 404
    assert client.get(f"/dialogues/new/?compact={peru_compact.pk}").status_code == 404


def test_plan_hold_and_close_from_the_pages(client, ghana_officer, ghana_compact):
    client.force_login(ghana_officer)
    response = client.post(f"/dialogues/new/?compact={ghana_compact.pk}",
                           {"fiscal_year": "2025", "scheduled_for": "2025-03-10",
                            "format": "virtual"})
    assert response.status_code == 302
    from dialogues.models import Dialogue

    dialogue = Dialogue.objects.get()
    duplicate = client.post(f"/dialogues/new/?compact={ghana_compact.pk}",
                            {"fiscal_year": "2025", "scheduled_for": "2025-03-10",
                             "format": "virtual"})
    assert duplicate.status_code == 400
    client.post(f"/dialogues/{dialogue.pk}/close/")  # refused: not held yet
    dialogue.refresh_from_db()
    assert dialogue.status == "planned"
    client.post(f"/dialogues/{dialogue.pk}/hold/", {"held_on": "2025-03-10"})
    dialogue.refresh_from_db()
    assert dialogue.status == "held"
