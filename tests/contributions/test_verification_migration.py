"""The migration that makes verification rest on evidence withdraws the verifications
recorded before without evidence or of zero value, and says so in the history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("contributions", "0002_alter_historicalcontribution_history_change_reason_and_more")]
AFTER = [("contributions", "0003_verified_needs_evidence_and_value")]


@pytest.mark.django_db(transaction=True)
def test_unfounded_verifications_are_withdrawn_with_a_history_reason(ghana_compact,
                                                                     staff_user):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Contribution = apps.get_model("contributions", "Contribution")
    stamp = {"verified": True, "verified_by_id": staff_user.pk,
             "verified_at": dt.datetime(2024, 5, 1, tzinfo=dt.UTC)}
    common = {"compact_id": ghana_compact.pk, "fiscal_year": 2024, "kind": "funding",
              "description": "Sample", "currency": "GHS"}
    no_evidence = Contribution.objects.create(
        **common, amount_local=Decimal("100"), amount_usd=Decimal("10"), **stamp)
    zero = Contribution.objects.create(
        **common, amount_local=Decimal("0"), amount_usd=Decimal("0"),
        evidence="contributions/evidence/x.pdf", **stamp)
    founded = Contribution.objects.create(
        **common, amount_local=Decimal("100"), amount_usd=Decimal("10"),
        evidence="contributions/evidence/y.pdf", **stamp)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    # The rest of the suite expects every migration applied again.
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())

    from contributions.models import Contribution as Current

    assert not Current.objects.get(pk=no_evidence.pk).verified
    assert not Current.objects.get(pk=zero.pk).verified
    kept = Current.objects.get(pk=founded.pk)
    assert kept.verified and kept.verified_by_id == staff_user.pk
    withdrawn = Current.objects.get(pk=no_evidence.pk).history.first()
    assert withdrawn.history_change_reason.startswith("Verification withdrawn")
    assert withdrawn.verified is False
    assert not Current.objects.get(pk=founded.pk).history.exists()
