"""Two real writers at once, 30 rounds each, on PostgreSQL: nothing is lost, nothing fails.

(a) Staff and an embassy officer change different fields of the same contribution at the
    same moment: both changes must stick.
(b) Staff verify a contribution while the officer changes its amount: the officer's amount
    must stick, and the verification must either stand for the figures it recorded or have
    been withdrawn by the officer's change (never a verification of other figures, never a
    verification that silently vanished).

Each writer is a thread with its own database connection, going through the whole API
(middleware, authentication, serializers, services), started together at a barrier. The
figures are printed to the terminal (CI shows them without ``-s``).
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from contributions.models import REASON_VERIFICATION_CLEARED, Contribution
from tests.contributions.factories import ContributionFactory

ROUNDS = 30

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("past_years_open")]


@pytest.fixture(autouse=True)
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL (set DATABASE_URL; CI does): SQLite takes one write "
                    "lock per database, so its writers never overlap and there is no race "
                    "to measure.")


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


def _client(user) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user=user)
    return client


def run_together(*requests) -> list:
    """Run each ``request()`` in its own thread (its own connection), all released at once;
    the responses, or the exceptions raised."""
    barrier = threading.Barrier(len(requests))
    outcomes: list = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = request()
        except Exception as error:  # counted as an error by the caller
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _failed(outcome) -> bool:
    return isinstance(outcome, Exception) or outcome.status_code != 200


def report(capsys, line: str) -> None:
    with capsys.disabled():
        print(f"\nconcurrency: {line}")


def test_two_users_changing_different_fields_both_keep_their_change(
        ghana_compact, staff_user, ghana_officer, capsys):
    staff, officer = _client(staff_user), _client(ghana_officer)
    lost = errors = 0
    for round_ in range(ROUNDS):
        contribution = ContributionFactory(compact=ghana_compact,
                                           description=f"Round {round_}")
        url = f"/api/v1/contributions/{contribution.pk}/"
        description, amount = f"Shelter budget line, round {round_}", f"{5000 + round_}.00"
        outcomes = run_together(
            lambda url=url, d=description: staff.patch(url, {"description": d}, format="json"),
            lambda url=url, a=amount: officer.patch(url, {"amount_usd": a}, format="json"),
        )
        errors += sum(_failed(o) for o in outcomes)
        saved = Contribution.objects.get(pk=contribution.pk)
        lost += (saved.description != description) + (saved.amount_usd != Decimal(amount))
    report(capsys, f"different fields of one contribution: lost {lost} of {ROUNDS} rounds, "
                   f"{errors} errors")
    assert (lost, errors) == (0, 0)


def test_verifying_while_the_amount_changes_loses_nothing(ghana_compact, staff_user,
                                                          ghana_officer, capsys):
    staff, officer = _client(staff_user), _client(ghana_officer)
    lost = errors = standing = withdrawn = 0
    for round_ in range(ROUNDS):
        contribution = ContributionFactory(compact=ghana_compact, with_evidence=True,
                                           description=f"Round {round_}")
        url = f"/api/v1/contributions/{contribution.pk}/"
        amount = Decimal(f"{7000 + round_}.00")
        outcomes = run_together(
            lambda url=url: staff.post(f"{url}verify/"),
            # A change of a verified contribution gives its reason (the officer cannot know
            # whether the verification came first).
            lambda url=url, a=amount: officer.patch(
                url, {"amount_usd": str(a), "reason": "The budget's rate, not today's"},
                format="json"),
        )
        errors += sum(_failed(o) for o in outcomes)
        saved = Contribution.objects.get(pk=contribution.pk)
        if saved.amount_usd != amount:
            lost += 1  # the officer's change was overwritten
        elif saved.verified:
            if saved.verified_amount_usd != saved.amount_usd:
                lost += 1  # a verification of figures the record no longer has
            else:
                standing += 1
        elif (saved.history.first().history_change_reason or "").endswith(
                REASON_VERIFICATION_CLEARED.format(fields="amount (USD)")):
            withdrawn += 1  # verified first, then withdrawn by the new amount
        else:
            lost += 1  # the verification vanished without a reason
    report(capsys, f"verify while the amount changes: lost {lost} of {ROUNDS} rounds, "
                   f"{errors} errors ({standing} verifications of the new amount, "
                   f"{withdrawn} withdrawn by it)")
    assert (lost, errors) == (0, 0)
    assert standing + withdrawn == ROUNDS
