"""History in the product (audit app): a compact's history with its children's, one record's
history, filters by person and date, CSV export, scope, and the acting user and reason
recorded for writes through the pages, the API, the admin and processes without a request."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compacts.models import Compact
from cpc.acting import acting
from indicators.models import Result
from tests.contributions.factories import ContributionFactory
from tests.dialogues.factories import DialogueFactory, ParticipantFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory

# Tests of other rules that write figures of past fiscal years, locked by now.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]


def history_url(compact):
    return reverse("audit:compact-history", args=[compact.pk])


def rows_of(response) -> list[str]:
    return response.content.decode().split('data-testid="history-row"')[1:]


def test_a_return_through_the_page_records_who_and_why(client, staff_user, ghana_compact):
    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact, code="PROT-1"),
                           status="submitted")
    client.force_login(staff_user)
    client.post(reverse("indicators:result-return", args=[ghana_compact.pk, result.pk]),
                {"review_note": "Attach the ministry's table."})

    latest = result.history.order_by("-history_id").first()
    assert latest.history_user == staff_user
    assert latest.history_change_reason == "Returned: Attach the ministry's table."
    page = client.get(history_url(ghana_compact))
    assert page.status_code == 200
    first = rows_of(page)[0]
    assert ">staff<" in first
    assert "Status: Submitted → Returned" in first
    assert "Returned: Attach the ministry&#x27;s table." in first


def test_history_shows_labels_and_names_never_codes_or_ids(client, staff_user, auditor_user,
                                                          ghana_compact):
    staff_user.first_name, staff_user.last_name = "Sam", "Reviewer"
    staff_user.save()
    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact, code="PROT-1"),
                           status="submitted")
    client.force_login(staff_user)
    client.post(reverse("indicators:result-return", args=[ghana_compact.pk, result.pk]),
                {"review_note": "Attach the ministry's table."})
    client.force_login(auditor_user)
    first = rows_of(client.get(history_url(ghana_compact)))[0]
    assert "Reviewed by: — → Sam Reviewer" in first
    assert f"→ {staff_user.pk}<" not in first and "→ submitted" not in first
    assert "Reviewed at: — → " in first
    assert not re.search(r"\d{4}-\d{2}-\d{2}", first)  # dates as people write them
    # The row links to its record's history.
    assert (f'href="{reverse("audit:result-history", args=[result.pk])}"'
            f' data-testid="history-record-link"') in first
    client.cookies["django_language"] = "es"
    spanish = rows_of(client.get(history_url(ghana_compact)))[0]
    assert "Estado: Enviado → Devuelto" in spanish
    assert "Status:" not in spanish and "Reviewed by" not in spanish


def test_a_write_through_the_api_records_the_user(staff_api, staff_user, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact)
    response = staff_api.patch(f"/api/v1/indicators/{indicator.pk}/",
                               {"name": "Child victims referred to services"}, format="json")
    assert response.status_code == 200, response.content
    latest = indicator.history.order_by("-history_id").first()
    assert latest.history_user == staff_user


def test_a_write_through_the_admin_records_the_user(client, ghana_compact):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 12)
    client.force_login(admin)
    url = reverse("admin:compacts_compact_change", args=[ghana_compact.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"title": "Ghana CPC (renamed)"}
    for name in form.fields:
        if name in data and hasattr(data[name], "pk"):
            data[name] = data[name].pk
    # Inline formsets of the change page: no rows added.
    page = client.get(url).content.decode()
    for prefix in set(re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page)):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = Compact.history.filter(id=ghana_compact.pk).order_by("-history_id").first()
    assert latest.title == "Ghana CPC (renamed)"
    assert latest.history_user == admin


def test_writes_without_a_request_take_the_acting_user_and_reason(staff_user, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact)
    with acting(user=staff_user, reason="Nightly import"):
        TargetFactory(indicator=indicator, fiscal_year=2024, value=Decimal("5"))
    target = indicator.targets.get(fiscal_year=2024)
    row = target.history.get()
    assert row.history_user == staff_user and row.history_change_reason == "Nightly import"
    # Outside the block nothing is filled in.
    target.value = Decimal("6")
    target.save()
    assert target.history.order_by("-history_id").first().history_user is None


def test_a_compacts_history_includes_its_children_and_filters(client, auditor_user,
                                                             staff_user, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, code="PROS-2")
    with acting(user=staff_user):
        ResultFactory(indicator=indicator, fiscal_year=2024)
    dialogue = DialogueFactory(compact=ghana_compact)
    ParticipantFactory(dialogue=dialogue)
    ContributionFactory(compact=ghana_compact)
    client.force_login(auditor_user)
    page = client.get(history_url(ghana_compact))
    text = page.content.decode()
    # Each record by its name (a result by its indicator's code and year), never its id.
    for label in (f"Compact: {ghana_compact.title}", "Indicator: PROS-2", "Result: PROS-2 FY2024",
                  "Dialogue: FY2024", "Participant: ", "Contribution: "):
        assert label in text, label

    by_staff = client.get(history_url(ghana_compact), {"user": "staff"})
    assert [("Result: PROS-2 FY2024" in row) for row in rows_of(by_staff)] == [True]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert rows_of(client.get(history_url(ghana_compact), {"since": tomorrow})) == []
    bad = client.get(history_url(ghana_compact), {"since": "2025-02-01",
                                                  "until": "2025-01-01"})
    assert "The end date is before the start date." in bad.content.decode()


def test_one_records_history_and_its_csv(client, auditor_user, staff_user, ghana_compact):
    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact),
                           status="submitted")
    with acting(user=staff_user, reason="Corrected from the ministry's table"):
        fresh = Result.objects.get(pk=result.pk)
        fresh.value = Decimal("120")
        fresh.save()
    client.force_login(auditor_user)
    page = client.get(reverse("audit:result-history", args=[result.pk]))
    assert len(rows_of(page)) == 2
    export = client.get(reverse("audit:result-history-csv", args=[result.pk]))
    assert export["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    changed = [line for line in lines if line["action"] == "changed"]
    assert changed and changed[0]["field"] == "Value"
    assert (changed[0]["old"], changed[0]["new"]) == ("100.0000", "120.0000")
    assert changed[0]["changed_by"] == "staff"
    assert changed[0]["reason"] == "Corrected from the ministry's table"
    assert {line["action"] for line in lines} == {"created", "changed"}


def test_officers_see_only_their_countries_history(client, ghana_officer, ghana_compact,
                                                  peru_compact):
    client.force_login(ghana_officer)
    assert client.get(history_url(ghana_compact)).status_code == 200
    assert client.get(history_url(peru_compact)).status_code == 404
    peru_result = ResultFactory(indicator=IndicatorFactory(compact=peru_compact))
    assert client.get(reverse("audit:result-history", args=[peru_result.pk])).status_code == 404
    assert client.get(reverse("audit:result-history-csv",
                              args=[peru_result.pk])).status_code == 404


def test_the_query_count_does_not_grow_with_the_history(client, auditor_user, ghana_compact):
    client.force_login(auditor_user)

    def grow(n):
        indicator = IndicatorFactory(compact=ghana_compact)
        for year in range(2022, 2022 + n):
            result = ResultFactory(indicator=indicator, fiscal_year=year)
            result.value = Decimal("150")
            result.save()
        dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2022 + n % 4)
        for _ in range(n):
            ParticipantFactory(dialogue=dialogue)

    def count():
        client.get(history_url(ghana_compact))  # the header's cached counts filled
        with CaptureQueriesContext(connection) as queries:
            response = client.get(history_url(ghana_compact))
        assert response.status_code == 200
        return len(queries), len(rows_of(response))

    grow(2)
    small_queries, small_rows = count()
    grow(5)
    large_queries, large_rows = count()
    assert large_rows > small_rows
    assert large_queries == small_queries
