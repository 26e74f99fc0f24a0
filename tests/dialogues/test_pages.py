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
