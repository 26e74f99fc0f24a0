"""My work (workspace app): each role's queue, the count in the header, bulk review from the
staff queue, scope, and query counts that do not grow with the program."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dialogues.services import dialogue_create
from tests.compacts.factories import CompactFactory, PartnerCountryFactory
from tests.contributions.factories import ContributionFactory
from tests.dialogues.factories import ActionItemFactory, DialogueFactory, TargetProposalFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory

# Tests of other rules that write figures of past fiscal years, locked by now.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]
MY_WORK = "/work/"
BULK = "/work/results/review/"


def submitted(compact, year=2023, **kwargs):
    indicator = IndicatorFactory(compact=compact)
    return ResultFactory(indicator=indicator, fiscal_year=year, status="submitted", **kwargs)


def rows(content: str, section: str) -> list[str]:
    start = content.index(f'data-testid="queue-{section}"')
    end = content.find("</section>", start)
    return content[start:end].split('data-testid="queue-row"')[1:]


def test_signing_in_lands_on_my_work(client, staff_user):
    staff_user.set_password("a-long-password-1")
    staff_user.save()
    response = client.post("/accounts/login/", {"username": "staff",
                                                 "password": "a-long-password-1"})
    assert response.status_code == 302 and response["Location"] == MY_WORK


def test_staff_return_results_in_bulk_and_the_officer_sees_the_note(
        client, staff_user, ghana_officer, ghana_compact, peru_compact):
    first, second = submitted(ghana_compact), submitted(ghana_compact, year=2024)
    other = submitted(peru_compact)
    client.force_login(staff_user)
    page = client.get(MY_WORK).content.decode()
    assert page.count('data-testid="queue-result"') == 3
    assert 'data-testid="my-work-count">3<' in page

    response = client.post(BULK, {"action": "return", "note": "Attach the ministry's table.",
                                  "results": [first.pk, second.pk]}, follow=True)
    assert "2 results returned" in response.content.decode()
    for result in (first, second):
        result.refresh_from_db()
        assert result.status == "returned" and result.reviewed_by == staff_user
        assert result.review_note == "Attach the ministry's table."
    other.refresh_from_db()
    assert other.status == "submitted"

    client.force_login(ghana_officer)
    page = client.get(MY_WORK).content.decode()
    returned = rows(page, "returned")
    assert len(returned) == 2
    assert all("Note: Attach the ministry&#x27;s table." in row for row in returned)
    assert 'data-testid="my-work-count">2<' in page


def test_returning_without_a_note_writes_nothing(client, staff_user, ghana_compact):
    result = submitted(ghana_compact)
    client.force_login(staff_user)
    response = client.post(BULK, {"action": "return", "note": " ", "results": [result.pk]},
                           follow=True)
    assert "Write a note to the officers" in response.content.decode()
    result.refresh_from_db()
    assert result.status == "submitted"


def test_a_result_decided_meanwhile_is_named_and_left_alone(client, staff_user,
                                                           ghana_compact):
    from indicators.services import result_return

    decided, waiting = submitted(ghana_compact), submitted(ghana_compact, year=2024)
    client.force_login(staff_user)
    client.get(MY_WORK)  # the reviewer's page lists both
    # Another reviewer returns the first one before this reviewer approves both.
    result_return(user=staff_user, result=decided, review_note="Wrong year.")
    response = client.post(BULK, {"action": "approve", "results": [decided.pk, waiting.pk]},
                           follow=True)
    content = response.content.decode()
    assert "1 result approved" in content
    assert ("Already decided by another reviewer, left as they are: "
            f"{decided.indicator.code} FY2023.") in content
    decided.refresh_from_db()
    waiting.refresh_from_db()
    assert decided.status == "returned" and waiting.status == "approved"


def test_only_staff_decide_in_bulk(client, ghana_officer, auditor_user, ghana_compact):
    result = submitted(ghana_compact)
    for user in (ghana_officer, auditor_user):
        client.force_login(user)
        assert client.post(BULK, {"action": "approve", "results": [result.pk]}).status_code \
            == 403
    result.refresh_from_db()
    assert result.status == "submitted"


def test_each_roles_sections(client, staff_user, ghana_officer, auditor_user, ghana_compact,
                             peru_compact):
    today = timezone.localdate()
    soon = DialogueFactory(compact=ghana_compact, fiscal_year=2027,
                           scheduled_for=today + dt.timedelta(days=20))
    DialogueFactory(compact=peru_compact, fiscal_year=2027,
                    scheduled_for=today + dt.timedelta(days=25))
    TargetProposalFactory(dialogue=DialogueFactory(compact=ghana_compact, fiscal_year=2024))
    ContributionFactory(compact=ghana_compact)

    client.force_login(staff_user)
    page = client.get(MY_WORK).content.decode()
    assert len(rows(page, "dialogues")) == 2
    assert "No key indicators are identified." in rows(page, "dialogues")[0]
    assert len(rows(page, "proposals")) == 1
    assert len(rows(page, "contributions")) == 1

    client.force_login(ghana_officer)
    page = client.get(MY_WORK).content.decode()
    dialogues = rows(page, "dialogues")
    assert len(dialogues) == 1 and f"/dialogues/{soon.pk}/record/prepare/" in dialogues[0]
    assert 'data-testid="queue-review"' not in page

    client.force_login(auditor_user)
    page = client.get(MY_WORK).content.decode()
    assert rows(page, "recent")  # the records just created
    assert 'data-testid="queue-review"' not in page


@pytest.mark.parametrize("role", ["staff_user", "ghana_officer", "auditor_user"])
def test_the_query_count_does_not_grow_with_the_program(client, request, role, ghana):
    user = request.getfixturevalue(role)
    client.force_login(user)
    today = timezone.localdate()

    ghana_compact = CompactFactory(country=ghana)
    years = iter(range(2030, 2100))

    def grow(n):
        """n more compacts elsewhere and n more records in Ghana's: results to review,
        dialogues in the coming weeks, contributions to verify."""
        for day in range(n):
            for compact in (CompactFactory(country=PartnerCountryFactory()), ghana_compact):
                submitted(compact, value=Decimal("5"))
                DialogueFactory(compact=compact, fiscal_year=next(years),
                                scheduled_for=today + dt.timedelta(days=10 + day))
                ContributionFactory(compact=compact, fiscal_year=2023)

    def count():
        client.get(MY_WORK)  # the header's cached counts filled
        with CaptureQueriesContext(connection) as queries:
            assert client.get(MY_WORK).status_code == 200
        return len(queries)

    grow(1)
    small = count()
    grow(4)
    assert count() == small


def count_badge(page: str) -> int:
    match = re.search(r'data-testid="my-work-count">(\d+)<', page)
    return int(match.group(1)) if match else 0


def waiting_listed(page: str) -> int:
    """The items of the sections My work marks waiting (results to review included)."""
    total = 0
    for section in re.findall(r'<section .*?</section>', page, re.S):
        if "usa-tag bg-secondary-dark\">waiting<" in section:
            total += int(re.search(r"\((\d+)\)", section).group(1))
    return total


def test_the_header_count_is_the_count_of_what_my_work_lists_as_waiting(
        client, ghana_officer, ghana_compact):
    today = timezone.localdate()
    ResultFactory(indicator=IndicatorFactory(compact=ghana_compact), status="returned",
                  reported_by=ghana_officer)
    DialogueFactory(compact=ghana_compact, fiscal_year=2027,
                    scheduled_for=today + dt.timedelta(days=20))  # upcoming: not waiting
    ActionItemFactory(dialogue=DialogueFactory(compact=ghana_compact, fiscal_year=2024),
                      description="Share the data.", status="open")
    ActionItemFactory(dialogue=DialogueFactory(compact=ghana_compact, fiscal_year=2025),
                      description="Train the officers.", status="open")
    client.force_login(ghana_officer)
    page = client.get(MY_WORK).content.decode()
    assert count_badge(page) == waiting_listed(page) == 3
    assert 'data-testid="my-work-waiting">3 items wait on you' in page
    # The header of any other page says the same.
    assert count_badge(client.get("/notifications/").content.decode()) == 3


def test_a_carried_over_action_item_is_listed_once(client, ghana_officer, ghana_compact):
    last_year = DialogueFactory(compact=ghana_compact, fiscal_year=2024)
    ActionItemFactory(dialogue=last_year, description="Share the shelter data.",
                      status="open")
    dialogue_create(user=ghana_officer, compact=ghana_compact, fiscal_year=2025,
                    scheduled_for=dt.date(2025, 3, 1))
    client.force_login(ghana_officer)
    page = client.get(MY_WORK).content.decode()
    items = rows(page, "action-items")
    assert len(items) == 1 and "Share the shelter data." in items[0]
    assert f"/dialogues/{last_year.pk}/" not in items[0]  # the item where it lives now
    assert count_badge(page) == 1


def test_my_work_reads_in_the_readers_language(client, ghana_officer, auditor_user,
                                                 ghana_compact):
    ResultFactory(indicator=IndicatorFactory(compact=ghana_compact, code="PROT-1"),
                  status="submitted")
    client.cookies["django_language"] = "es"
    client.force_login(ghana_officer)
    page = client.get(MY_WORK).content.decode()
    for english in ("Results returned to you", "Open action items", "Sustainability plans due"):
        assert english not in page
    assert "Resultados devueltos" in page

    client.force_login(auditor_user)
    client.cookies["django_language"] = "en"
    recent = rows(client.get(MY_WORK).content.decode(), "recent")
    assert recent and all('href="/history/' in row for row in recent)
    assert not any("submitted" in row for row in recent)  # the status by its label


def test_bulk_review_is_refused_to_anyone_but_staff_by_the_service_itself(
        ghana_officer, auditor_user, ghana_compact):
    from django.core.exceptions import PermissionDenied

    from workspace.services import results_review

    result = submitted(ghana_compact)
    for user in (ghana_officer, auditor_user):
        with pytest.raises(PermissionDenied):
            results_review(user=user, results=[result], decision="approve", note="")
    result.refresh_from_db()
    assert result.status == "submitted"


def test_bulk_review_names_what_it_decided_and_what_it_left(staff_user, supervisor_user,
                                                             ghana_compact):
    from indicators.services import result_return
    from workspace.services import results_review

    # Given a result another reviewer returned meanwhile and one the reviewer submitted
    decided = submitted(ghana_compact)
    own = submitted(ghana_compact, year=2024, reported_by=staff_user)
    waiting = submitted(ghana_compact, year=2024)
    result_return(user=supervisor_user, result=decided, review_note="Wrong year.")
    # When the reviewer approves all three
    outcome = results_review(user=staff_user, results=[decided, own, waiting],
                             decision="approve", note="")
    # Then only the waiting one is approved; the others are named
    label = "{} FY{}".format
    assert outcome.decided == [label(waiting.indicator.code, 2024)]
    assert outcome.skipped == [label(decided.indicator.code, 2023)]
    assert outcome.own == [label(own.indicator.code, 2024)]
