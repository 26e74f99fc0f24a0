import datetime as dt
from decimal import Decimal

import pytest

from tests.dialogues.factories import (
    ActionItemFactory,
    DialogueFactory,
    IndicatorFactory,
    ResultFactory,
    TargetFactory,
)

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = pytest.mark.usefixtures("past_years_open")


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
    client, staff_user, ghana_compact, peru_compact, django_assert_num_queries,
    private_storage,
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dialogues.models import DialogueAttachment

    def build(compact, n):
        dialogue = DialogueFactory(compact=compact, status="held")
        indicators = [IndicatorFactory(compact=compact) for _ in range(n)]
        dialogue.key_indicators.set(indicators)
        for indicator in indicators:
            ActionItemFactory(dialogue=dialogue)
            # Two years of figures each, as the preparation pack shows them.
            for year in (2023, 2024):
                TargetFactory(indicator=indicator, fiscal_year=year, value=Decimal("10"))
                ResultFactory(indicator=indicator, fiscal_year=year, value=Decimal("8"))
            DialogueAttachment.objects.create(
                dialogue=dialogue, kind="agenda",
                file=SimpleUploadedFile("agenda.pdf", b"%PDF-1.4 agenda"))
        return dialogue

    small, large = build(ghana_compact, 5), build(peru_compact, 50)
    client.force_login(staff_user)
    client.get(f"/dialogues/{small.pk}/")
    for suffix in ["", "preparation/"]:
        with CaptureQueriesContext(connection) as few:
            assert client.get(f"/dialogues/{small.pk}/{suffix}").status_code == 200
        with django_assert_num_queries(len(few.captured_queries)):
            assert client.get(f"/dialogues/{large.pk}/{suffix}").status_code == 200


def rows(prefix, items, initial=0):
    """A formset as a browser posts it: the management form and each row's fields."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for index, fields in enumerate(items):
        data |= {f"{prefix}-{index}-{name}": value for name, value in fields.items()}
    return data


def outcomes_payload(*, discussions=(), proposals=(), items=(), **overrides):
    """What step 3 posts: discussions ``(indicator, notes)``, proposals ``(indicator, year,
    value)``, new action items, and the dialogue's outcome fields."""
    data = {
        "summary": "Reviewed progress with the partner government.",
        "contributions_discussed": "on", "contributions_notes": "Ministry staff seconded.",
        "sustainability_discussed": "on", "sustainability_notes": "Shelter budget line.",
        **rows("discussions", [{"indicator": i.pk, "notes": n} for i, n in discussions]),
        **rows("proposals", [{"indicator": i.pk, "fiscal_year": y, "value": v}
                             for i, y, v in proposals]),
        **rows("items", list(items)),
    }
    return data | overrides


def test_officer_logs_a_whole_dialogue_through_the_steps(client, ghana_officer, ghana_compact):
    from indicators.models import Target

    indicators = [IndicatorFactory(compact=ghana_compact) for _ in range(2)]
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2025)
    base = f"/dialogues/{dialogue.pk}/record"
    client.force_login(ghana_officer)
    # The old one-page log leads to the first step.
    assert client.get(f"/dialogues/{dialogue.pk}/log/")["Location"] == f"{base}/prepare/"
    for step in ("prepare", "hold", "outcomes", "close"):
        assert client.get(f"{base}/{step}/").status_code == 200

    prepare = client.post(f"{base}/prepare/", {
        "scheduled_for": "2025-03-10", "format": "hybrid",
        "key_indicators": [i.pk for i in indicators]})
    assert prepare.status_code == 302 and prepare["Location"] == f"{base}/hold/"
    hold = client.post(f"{base}/hold/", {"held_on": "", **rows("participants", [
        {"name": "Ama Mensah", "organization": "Ghana Police", "side": "partner_government"},
        {"name": "Kofi Boateng", "organization": "Ministry of Gender",
         "side": "partner_government"},
        {"name": "Jane Doe", "organization": "U.S. Embassy Accra", "side": "us_government"},
        {"name": "", "organization": "", "side": ""},  # a blank row is left out
    ])})
    assert hold.status_code == 302, hold.content.decode()[:3000]
    outcomes = client.post(f"{base}/outcomes/", outcomes_payload(
        discussions=[(i, f"Discussed {i.code} and its data with the ministry.")
                     for i in indicators],
        proposals=[(i, "2025", "140") for i in indicators],
        items=[{"description": "Share the referral data", "owner": "Police",
                "due_on": "2025-06-30", "status": "open"}, {"status": "open"}]))
    assert outcomes.status_code == 302, outcomes.content.decode()[:3000]
    assert outcomes["Location"] == f"{base}/close/"

    dialogue.refresh_from_db()
    assert dialogue.key_indicators.count() == 2
    assert dialogue.key_indicators_identified_on is not None
    assert sorted(dialogue.participants.values_list("name", flat=True)) == [
        "Ama Mensah", "Jane Doe", "Kofi Boateng"]
    assert dialogue.discussions.count() == 2
    assert dialogue.action_items.get().description == "Share the referral data"
    assert dialogue.sustainability_discussed and dialogue.contributions_discussed
    # The officer's targets are proposals: no target changes until TIP staff accept them.
    assert not Target.objects.filter(dialogue_setting__dialogue=dialogue).exists()
    proposed = dialogue.target_proposals.all()
    assert {(p.value, p.status) for p in proposed} == {(Decimal("140"), "pending")}
    assert proposed.count() == 2
    # Not held yet: the close step says so, and closing is refused.
    close = client.get(f"{base}/close/").content.decode()
    assert "The dialogue is not marked as held" in close
    assert "key indicators are not recorded as shared" in close
    refused = client.post(f"{base}/close/")
    assert refused.status_code == 400
    dialogue.refresh_from_db()
    assert dialogue.status == "planned"


def test_bad_target_shows_error_beside_its_row_and_saves_nothing(client, ghana_officer,
                                                                 ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, unit="percent")
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2025,
                               scheduled_for=dt.date(2025, 3, 10))
    client.force_login(ghana_officer)
    response = client.post(f"/dialogues/{dialogue.pk}/record/outcomes/", outcomes_payload(
        discussions=[(indicator, "The ministry's figures were reviewed in detail.")],
        proposals=[(indicator, "2031", "40")]))  # the compact ends in FY 2027
    assert response.status_code == 400
    row = response.context["proposals"].forms[0]
    assert row.errors["fiscal_year"]
    assert b"usa-error-message" in response.content
    dialogue.refresh_from_db()
    assert dialogue.summary == ""
    assert not dialogue.discussions.exists()


def test_auditor_and_other_country_cannot_log(client, auditor_user, ghana_officer,
                                              peru_compact, ghana_compact):
    mine = DialogueFactory(compact=ghana_compact)
    theirs = DialogueFactory(compact=peru_compact)
    client.force_login(auditor_user)
    assert client.get(f"/dialogues/{mine.pk}/log/").status_code == 403
    for step in ("prepare", "hold", "outcomes", "close"):
        assert client.get(f"/dialogues/{mine.pk}/record/{step}/").status_code == 403
    assert client.post(f"/dialogues/{mine.pk}/close/").status_code == 403
    client.force_login(ghana_officer)
    assert client.get(f"/dialogues/{theirs.pk}/log/").status_code == 404
    for step in ("prepare", "hold", "outcomes", "close"):
        assert client.get(f"/dialogues/{theirs.pk}/record/{step}/").status_code == 404
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
