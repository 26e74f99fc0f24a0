"""Every spreadsheet import checks a workbook's size, unpacked size, cells and rows before the
workbook is opened (cpc/spreadsheets.py), and reads it row by row: the results bulk upload
and the contributions import alike. The refusals below come from the pre-check's messages,
which no parser reaches: a workbook the pre-check passes is opened by openpyxl only after.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from contributions import services as contribution_services
from contributions.importing import ContributionImportError
from contributions.models import Contribution
from cpc import spreadsheets
from indicators.models import Result

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

CELLS = 3_600_000
COLUMNS = 200


def many_cells_workbook(cells=CELLS, columns=COLUMNS) -> bytes:
    """A valid XLSX whose one sheet holds ``cells`` empty cells: 14 MB of XML (under the
    unpacked limit) that packs into tens of kilobytes, like the file that cost a minute of
    CPU."""
    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    row = b"<c/>" * columns
    rows = b"".join(b'<row r="%d">%s</row>' % (number, row)
                    for number in range(1, cells // columns + 1))
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows
             + b"</sheetData></worksheet>")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = sheet if item.filename == "xl/worksheets/sheet1.xml" else source.read(
                item.filename)
            target.writestr(item.filename, content, compresslevel=9)
    return packed.getvalue()


@pytest.fixture(scope="module")
def bomb():
    return many_cells_workbook()


def test_the_crafted_workbook_is_small_and_holds_millions_of_cells(bomb):
    assert len(bomb) < 1_000_000
    sheet = zipfile.ZipFile(io.BytesIO(bomb)).read("xl/worksheets/sheet1.xml")
    assert sheet.count(b"<c/>") == CELLS


def test_the_pre_check_refuses_millions_of_cells(bomb, settings):
    with pytest.raises(spreadsheets.SpreadsheetRefused) as refused:
        spreadsheets.check_workbook(bomb)
    assert refused.value.code == "cells"
    assert str(refused.value) == spreadsheets.ERR_TOO_MANY_CELLS.format(limit=200_000)
    assert "200,000 cells, the limit (IMPORT_MAX_CELLS)" in str(refused.value)


def test_a_workbook_under_the_cell_cap_opens(settings):
    data = many_cells_workbook(cells=2000, columns=20)
    settings.IMPORT_MAX_CELLS = 2000
    workbook = spreadsheets.open_workbook(data)
    try:
        rows = list(spreadsheets.sheet_rows(workbook.worksheets[0], max_col=20))
    finally:
        workbook.close()
    assert len(rows) == 100
    settings.IMPORT_MAX_CELLS = 1999
    with pytest.raises(spreadsheets.SpreadsheetRefused, match="1,999 cells"):
        spreadsheets.open_workbook(data)


def test_the_results_bulk_upload_refuses_it_before_opening(client, ghana_officer,
                                                          ghana_compact, bomb):
    client.force_login(ghana_officer)
    response = client.post(f"/indicators/compact/{ghana_compact.pk}/bulk/", {
        "year": "2024", "file": SimpleUploadedFile("results.xlsx", bomb),
        "change_reason": ""})
    assert response.status_code == 400
    assert "200,000 cells, the limit (IMPORT_MAX_CELLS)" in response.content.decode()
    assert not Result.objects.exists()


def test_the_contributions_import_refuses_it_before_opening(client, staff_user, ghana_compact,
                                                            bomb):
    client.force_login(staff_user)
    response = client.post(f"/contributions/compacts/{ghana_compact.pk}/import/",
                           {"file": SimpleUploadedFile("contributions.xlsx", bomb)})
    assert response.status_code == 400
    [error] = response.context["import_errors"]
    assert error.message == spreadsheets.ERR_TOO_MANY_CELLS.format(limit=200_000)
    assert not Contribution.objects.exists()


def test_the_finance_import_refuses_it_before_opening(client, staff_user, ghana_compact,
                                                       bomb):
    from compacts.models import AwardFinance

    client.force_login(staff_user)
    response = client.post(f"/compacts/{ghana_compact.pk}/finances/import/",
                           {"file": SimpleUploadedFile("finances.xlsx", bomb)})
    assert response.status_code == 400
    [error] = response.context["import_errors"]
    assert error.message == spreadsheets.ERR_TOO_MANY_CELLS.format(limit=200_000)
    assert not AwardFinance.objects.exists()


def test_the_finance_import_has_the_same_row_cap(client, staff_user, ghana_compact, settings):
    settings.IMPORT_MAX_ROWS = 10
    header = "award_number,fiscal_year,obligated_usd,disbursed_usd,spent_usd,as_of\n"
    client.force_login(staff_user)
    response = client.post(f"/compacts/{ghana_compact.pk}/finances/import/", {
        "file": SimpleUploadedFile("finances.csv", (header + "\n" * 20).encode(), "text/csv")})
    assert [e.message for e in response.context["import_errors"]] == [
        spreadsheets.ERR_TOO_MANY_ROWS.format(limit=10)]


def test_a_part_that_unpacks_past_the_limit_is_refused(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1_000_000
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", b"<Types/>")
        target.writestr("xl/sharedStrings.xml", b" " * 1_500_000)
    with pytest.raises(spreadsheets.SpreadsheetRefused) as refused:
        spreadsheets.check_workbook(packed.getvalue())
    assert refused.value.code == "unpacked"
    assert "unpacks to 1.5 MB; the limit is 1 MB unpacked" in str(refused.value)


def test_a_row_past_the_row_cap_is_refused_by_its_number(settings):
    # One cell far down: few cells, but a reader pads every row before it.
    workbook = Workbook()
    workbook.active.cell(row=60_001, column=1, value="end")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(spreadsheets.SpreadsheetRefused) as refused:
        spreadsheets.check_workbook(buffer.getvalue())
    assert refused.value.code == "rows"
    assert "more than 50,000 rows" in str(refused.value)
    settings.IMPORT_MAX_ROWS = 60_001
    spreadsheets.check_workbook(buffer.getvalue())  # within the cap: passes


def test_reading_stops_at_the_row_cap_whatever_the_sheet_holds(settings):
    workbook = Workbook()
    for number in range(30):
        workbook.active.append([number])
    buffer = io.BytesIO()
    workbook.save(buffer)
    settings.IMPORT_MAX_ROWS = 40
    opened = spreadsheets.open_workbook(buffer.getvalue())
    assert len(list(spreadsheets.sheet_rows(opened.worksheets[0], max_col=1))) == 30
    opened.close()
    settings.IMPORT_MAX_ROWS = 20
    with pytest.raises(spreadsheets.SpreadsheetRefused, match="more than 20 rows"):
        spreadsheets.open_workbook(buffer.getvalue())


def test_a_csv_import_has_the_same_row_cap(staff_user, ghana_compact, settings):
    settings.IMPORT_MAX_ROWS = 10
    header = "fiscal_year,kind,description,amount_local,currency,amount_usd,personnel_count\n"
    data = (header + "\n" * 20).encode()  # blank rows count too
    upload = SimpleUploadedFile("contributions.csv", data, "text/csv")
    with pytest.raises(ContributionImportError) as refused:
        contribution_services.contributions_import(user=staff_user, compact=ghana_compact,
                                                   uploaded_file=upload, filename=upload.name)
    assert [e.message for e in refused.value.errors] == [
        spreadsheets.ERR_TOO_MANY_ROWS.format(limit=10)]


def test_a_csv_import_has_the_same_byte_cap(staff_user, ghana_compact, settings):
    settings.IMPORT_MAX_BYTES = 50
    upload = SimpleUploadedFile("contributions.csv", b"x" * 51, "text/csv")
    with pytest.raises(ContributionImportError) as refused:
        contribution_services.contributions_import(user=staff_user, compact=ghana_compact,
                                                   uploaded_file=upload, filename=upload.name)
    assert "the limit is 50 bytes (IMPORT_MAX_BYTES)" in refused.value.errors[0].message


def test_not_a_zip_is_refused_as_not_a_workbook():
    with pytest.raises(spreadsheets.SpreadsheetRefused) as refused:
        spreadsheets.check_workbook(b"PK\x03\x04 broken")
    assert refused.value.code == "not_workbook"
