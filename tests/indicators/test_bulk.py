"""Bulk entry of results from a spreadsheet: real XLSX files built with openpyxl, uploaded to
the pages, previewed, confirmed; errors by sheet, row and column; stale rows refused; scope."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from openpyxl import Workbook, load_workbook

from indicators import bulk
from indicators.models import Result, ResultStatus
from indicators.services import ERR_DISAGGREGATIONS_SUM
from tests.indicators.factories import (
    DisaggregationFactory,
    IndicatorFactory,
    ResultFactory,
    TargetFactory,
)

YEAR = 2024

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = [
    pytest.mark.usefixtures("private_storage"),
    pytest.mark.usefixtures("past_years_open"),
]


def page(compact):
    return f"/indicators/compact/{compact.pk}/bulk/"


def template_url(compact, year=YEAR):
    return f"/indicators/compact/{compact.pk}/bulk/template.xlsx?year={year}"


@pytest.fixture
def ghana_world(ghana_compact):
    count = IndicatorFactory(compact=ghana_compact, code="A-COUNT", unit="count")
    percent = IndicatorFactory(compact=ghana_compact, code="B-PCT", unit="percent")
    TargetFactory(indicator=count, fiscal_year=YEAR, value=Decimal("50"))
    return {"compact": ghana_compact, "count": count, "percent": percent}


def download(client, compact, year=YEAR):
    response = client.get(template_url(compact, year))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def row_of(sheet, code):
    for row in range(bulk.FIRST_ROW, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == code:
            return row
    raise AssertionError(f"no row for {code}")


def put(sheet, code, **values):
    row = row_of(sheet, code)
    for name, value in values.items():
        sheet.cell(row=row, column=bulk.COLUMN[name.replace("_", " ", 1)], value=value)
    return row


def as_file(workbook, name="results.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def upload(client, compact, workbook_or_file, year=YEAR, reason=""):
    file = (workbook_or_file if isinstance(workbook_or_file, SimpleUploadedFile)
            else as_file(workbook_or_file))
    return client.post(page(compact), {"year": str(year), "file": file,
                                       "change_reason": reason})


def confirm(client, compact, preview, year=YEAR):
    content = preview.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', content)
    assert token, "no confirm form in the preview"
    reason = re.search(r'name="change_reason" value="([^"]*)"', content)
    return client.post(page(compact), {"year": str(year), "token": token.group(1),
                                       "change_reason": reason.group(1) if reason else ""})


def test_the_template_locks_all_but_the_entry_cells(client, ghana_officer, ghana_world):
    client.force_login(ghana_officer)
    workbook = download(client, ghana_world["compact"])
    assert workbook.sheetnames == [bulk.SHEET, bulk.META_SHEET]
    sheet = workbook[bulk.SHEET]
    assert [c.value for c in sheet[bulk.HEADER_ROW]] == bulk.HEADER
    assert sheet.protection.sheet
    row = row_of(sheet, "A-COUNT")
    assert sheet.cell(row=row, column=bulk.COLUMN["target"]).value == 50
    assert sheet.cell(row=row, column=bulk.COLUMN["code"]).protection.locked
    assert sheet.cell(row=row, column=bulk.COLUMN["target"]).protection.locked
    assert not sheet.cell(row=row, column=bulk.COLUMN["value"]).protection.locked
    assert workbook[bulk.META_SHEET].sheet_state == "hidden"


def test_a_good_file_previews_then_writes_submitted_results(client, ghana_officer,
                                                             ghana_world):
    client.force_login(ghana_officer)
    compact = ghana_world["compact"]
    workbook = download(client, compact)
    sheet = workbook[bulk.SHEET]
    put(sheet, "A-COUNT", value=12, female_under_12=5, male_12_17=7, source="Ministry register")
    put(sheet, "B-PCT", numerator=30, denominator=40)

    preview = upload(client, compact, workbook)
    assert preview.status_code == 200
    content = preview.content.decode()
    assert 'data-testid="bulk-change-A-COUNT"' in content
    assert 'data-testid="bulk-change-B-PCT"' in content
    assert not Result.objects.exists()  # a preview writes nothing

    done = confirm(client, compact, preview)
    assert done.status_code == 302
    count = Result.objects.get(indicator=ghana_world["count"], fiscal_year=YEAR)
    assert count.value == 12 and count.status == ResultStatus.SUBMITTED
    assert count.source == "Ministry register"
    assert sorted((d.sex, d.age_group, d.value) for d in count.disaggregations.all()) == [
        ("female", "under_12", 5), ("male", "12_17", 7)]
    percent = Result.objects.get(indicator=ghana_world["percent"], fiscal_year=YEAR)
    assert percent.value == 75 and (percent.numerator, percent.denominator) == (30, 40)
    assert percent.status == ResultStatus.SUBMITTED

    # The token is spent: confirming again is refused, nothing is written twice.
    again = confirm(client, compact, preview)
    assert again.status_code == 400
    assert Result.objects.count() == 2


def test_a_bad_cell_names_sheet_row_and_column_and_writes_nothing(client, ghana_officer,
                                                                  ghana_world):
    client.force_login(ghana_officer)
    compact = ghana_world["compact"]
    workbook = download(client, compact)
    sheet = workbook[bulk.SHEET]
    put(sheet, "A-COUNT", value=12)
    row = put(sheet, "B-PCT", numerator="thirty", denominator=40)
    response = upload(client, compact, workbook)
    assert response.status_code == 400
    content = response.content.decode()
    column = bulk._letter("numerator")
    assert f'data-testid="bulk-error-{column}{row}"' in content
    error_row = re.search(rf'data-testid="bulk-error-{column}{row}">(.*?)</tr>', content, re.S)
    assert f"<td>{bulk.SHEET}</td><td>{row}</td><td>{column}</td>" in error_row.group(1)
    assert "“thirty” is not a number." in error_row.group(1)
    assert 'name="token"' not in content
    assert not Result.objects.exists()


def test_the_services_rules_apply_cell_by_cell(client, staff_user, ghana_world):
    """Units and disaggregation totals: the services' own messages, in the right column."""
    client.force_login(staff_user)
    compact = ghana_world["compact"]
    workbook = download(client, compact)
    sheet = workbook[bulk.SHEET]
    count_row = put(sheet, "A-COUNT", value=10, female_under_12=4, male_under_12=4)
    percent_row = put(sheet, "B-PCT", numerator=50, denominator=40)
    response = upload(client, compact, workbook)
    assert response.status_code == 400
    content = response.content.decode()
    parts_column = bulk._letter(bulk.ENTRY[3])
    assert f'bulk-error-{parts_column}{count_row}"' in content
    assert escape(ERR_DISAGGREGATIONS_SUM.format(total=8, expected=10, what="value")) in content
    assert f'bulk-error-{bulk._letter("numerator")}{percent_row}"' in content
    assert f'bulk-error-{bulk._letter("value")}{percent_row}"' not in content
    assert not Result.objects.exists()


def test_a_stale_row_is_refused_not_overwritten(client, ghana_officer, ghana_world):
    client.force_login(ghana_officer)
    compact = ghana_world["compact"]
    saved = ResultFactory(indicator=ghana_world["count"], fiscal_year=YEAR, value=Decimal("20"),
                          status="submitted")
    workbook = download(client, compact)
    # Someone changes the result after the download.
    Result.objects.filter(pk=saved.pk).update(value=Decimal("25"))
    sheet = workbook[bulk.SHEET]
    row = put(sheet, "A-COUNT", value=30)
    put(sheet, "B-PCT", numerator=1, denominator=2)
    response = upload(client, compact, workbook)
    assert response.status_code == 400
    content = response.content.decode()
    assert f'bulk-error-{bulk._letter("value")}{row}"' in content
    assert "changed since the template was downloaded (it is now 25)" in content
    saved.refresh_from_db()
    assert saved.value == 25
    assert not Result.objects.filter(indicator=ghana_world["percent"]).exists()


def test_a_row_left_alone_is_not_stale(client, ghana_officer, ghana_world):
    client.force_login(ghana_officer)
    compact = ghana_world["compact"]
    saved = ResultFactory(indicator=ghana_world["count"], fiscal_year=YEAR, value=Decimal("20"),
                          status="submitted")
    DisaggregationFactory(result=saved, sex="female", age_group="under_12", value=20)
    workbook = download(client, compact)
    Result.objects.filter(pk=saved.pk).update(source="Changed meanwhile")
    put(workbook[bulk.SHEET], "B-PCT", numerator=1, denominator=2)
    preview = upload(client, compact, workbook)
    assert preview.status_code == 200
    assert confirm(client, compact, preview).status_code == 302
    saved.refresh_from_db()
    assert saved.source == "Changed meanwhile" and saved.value == 20
    assert Result.objects.get(indicator=ghana_world["percent"]).value == 50


def test_an_approved_value_needs_a_reason(client, staff_user, ghana_world):
    client.force_login(staff_user)
    compact = ghana_world["compact"]
    saved = ResultFactory(indicator=ghana_world["count"], fiscal_year=YEAR, value=Decimal("20"))
    workbook = download(client, compact)
    put(workbook[bulk.SHEET], "A-COUNT", value=22)
    assert upload(client, compact, workbook).status_code == 400
    preview = upload(client, compact, workbook, reason="Ministry corrected its count")
    assert preview.status_code == 200, re.findall(r"<td>(.*?)</td>", preview.content.decode())
    assert confirm(client, compact, preview).status_code == 302
    saved.refresh_from_db()
    assert saved.value == 22
    assert saved.history.first().history_change_reason == "Ministry corrected its count"


@pytest.mark.parametrize("tamper", ["header", "sheet", "row", "signature", "other_year"])
def test_altered_files_are_refused(client, ghana_officer, ghana_world, tamper):
    client.force_login(ghana_officer)
    compact = ghana_world["compact"]
    year = YEAR
    workbook = download(client, compact)
    sheet = workbook[bulk.SHEET]
    put(sheet, "A-COUNT", value=3)
    if tamper == "header":
        sheet.cell(row=bulk.HEADER_ROW, column=bulk.COLUMN["value"], value="amount")
    elif tamper == "sheet":
        workbook.create_sheet("Extra")
    elif tamper == "row":
        sheet.cell(row=row_of(sheet, "B-PCT"), column=1, value="Z-OTHER")
    elif tamper == "signature":
        workbook[bulk.META_SHEET]["A2"] = "forged"
    else:
        year = YEAR + 1
    response = upload(client, compact, workbook, year=year)
    assert response.status_code == 400
    assert 'class="usa-error-message"' in response.content.decode()
    assert not Result.objects.exists()


def test_not_an_xlsx_or_too_large_is_refused(client, ghana_officer, ghana_world, settings):
    client.force_login(ghana_officer)
    compact = ghana_world["compact"]
    csv = SimpleUploadedFile("results.xlsx", b"code,value\nA-COUNT,3\n")
    response = upload(client, compact, csv)
    assert response.status_code == 400
    assert str(bulk.ERR_NOT_XLSX) in response.content.decode()
    other = Workbook()  # a real XLSX, but not the template
    response = upload(client, compact, other)
    assert response.status_code == 400
    settings.IMPORT_MAX_BYTES = 100
    response = upload(client, compact, download(client, compact))
    assert response.status_code == 400
    assert "the limit is 100 bytes (IMPORT_MAX_BYTES)" in response.content.decode()
    assert not Result.objects.exists()


def test_a_forged_or_foreign_token_is_refused(client, ghana_officer, staff_user, ghana_world):
    client.force_login(ghana_officer)
    compact = ghana_world["compact"]
    workbook = download(client, compact)
    put(workbook[bulk.SHEET], "A-COUNT", value=3)
    preview = upload(client, compact, workbook)
    assert preview.status_code == 200
    forged = client.post(page(compact), {"year": str(YEAR), "token": "x:y:z"})
    assert forged.status_code == 400
    client.force_login(staff_user)  # another user's preview is not theirs to confirm
    assert confirm(client, compact, preview).status_code == 400
    assert not Result.objects.exists()


def test_officers_of_other_countries_and_auditors_are_refused(client, ghana_officer,
                                                              auditor_user, peru_compact,
                                                              ghana_world):
    IndicatorFactory(compact=peru_compact, code="PE-1")
    client.force_login(ghana_officer)
    assert client.get(page(peru_compact)).status_code == 404
    assert client.get(template_url(peru_compact)).status_code == 404
    assert client.post(page(peru_compact), {"year": str(YEAR)}).status_code == 404
    client.force_login(auditor_user)
    compact = ghana_world["compact"]
    assert client.get(page(compact)).status_code == 403
    assert client.get(template_url(compact)).status_code == 403
    workbook = Workbook()
    assert upload(client, compact, workbook).status_code == 403


def test_the_indicators_page_links_to_bulk_entry(client, ghana_officer, auditor_user,
                                                  ghana_world):
    compact = ghana_world["compact"]
    client.force_login(ghana_officer)
    assert page(compact) in client.get(f"/indicators/compact/{compact.pk}/").content.decode()
    client.force_login(auditor_user)
    assert page(compact) not in client.get(
        f"/indicators/compact/{compact.pk}/").content.decode()


def test_template_queries_do_not_grow_with_indicators(client, staff_user, ghana_compact):
    client.force_login(staff_user)
    counts = []
    for size in (2, 6):
        while ghana_compact.indicators.count() < size:
            indicator = IndicatorFactory(compact=ghana_compact, unit="count")
            ResultFactory(indicator=indicator, fiscal_year=YEAR, status="submitted")
        with CaptureQueriesContext(connection) as queries:
            download(client, ghana_compact)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_unconfirmed_previews_are_swept_once_their_token_expires(settings):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.utils import timezone

    storage = storages["private"]
    old = storage.save(f"{bulk.PREVIEW_DIR}/old.xlsx", ContentFile(b"old"))
    fresh = storage.save(f"{bulk.PREVIEW_DIR}/fresh.xlsx", ContentFile(b"fresh"))
    later = timezone.now() + dt.timedelta(seconds=bulk.PREVIEW_MAX_AGE - 60)
    assert bulk.sweep_previews(now=later) == 0  # both still within their hour
    import os
    aged = (later - dt.timedelta(seconds=bulk.PREVIEW_MAX_AGE + 60)).timestamp()
    os.utime(storage.path(old), (aged, aged))
    assert bulk.sweep_previews(now=later) == 1
    assert not storage.exists(old) and storage.exists(fresh)
