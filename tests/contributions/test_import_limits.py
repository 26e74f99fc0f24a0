"""Hostile or broken import files get a 400 with a message naming the problem or the limit,
never a 500, and save nothing; reading them is bounded whatever they declare."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from contributions import importing, services
from contributions.importing import ContributionImportError, RowError
from contributions.models import Contribution
from cpc import spreadsheets

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

HEADER = "fiscal_year,kind,description,amount_local,currency,amount_usd,personnel_count\n"
ROW = "2024,funding,Sample: shelter budget,120000,GHS,10000.50,\n"


def csv_file(data: bytes, name="contributions.csv"):
    return SimpleUploadedFile(name, data, "text/csv")


def workbook_bytes(rows, *, edit_sheet=None) -> bytes:
    """An XLSX of ``rows``; ``edit_sheet(xml) -> xml`` rewrites the first sheet's XML (where
    openpyxl writes the text too, as inline strings)."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if edit_sheet is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    edited = io.BytesIO()
    with zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = edit_sheet(content)
            target.writestr(item.filename, content)
    return edited.getvalue()


HEADER_CELLS = HEADER.strip().split(",")
GOOD_CELLS = [2024, "funding", "Sample: office space", 50000, "GHS", 4100.25, None]


def import_errors(staff_user, compact, upload) -> list[RowError]:
    with pytest.raises(ContributionImportError) as excinfo:
        services.contributions_import(user=staff_user, compact=compact, uploaded_file=upload,
                                      filename=upload.name)
    assert not Contribution.objects.exists()
    return excinfo.value.errors


# --- Through the page: 400 with the message, nothing saved -----------------------------------

@pytest.mark.parametrize(("data", "message"), [
    ((HEADER + "2024,funding,Sample\x00 budget,1,GHS,1,\n").encode(), importing.ERR_NUL),
    (HEADER.encode() + b"2024,funding,Caf\xe9 budget,1,GHS,1,\n",
     importing.ERR_NOT_UTF8.format(position=len(HEADER) + 16)),
], ids=["nul-byte", "not-utf8"])
def test_import_page_answers_400_with_the_message_and_saves_nothing(client, staff_user,
                                                                    ghana_compact, data,
                                                                    message):
    client.force_login(staff_user)
    response = client.post(f"/contributions/compacts/{ghana_compact.pk}/import/",
                           {"file": csv_file(data)})
    assert response.status_code == 400
    assert [e.message for e in response.context["import_errors"]] == [message]
    assert "NUL bytes" in response.content.decode() or "UTF-8" in response.content.decode()
    assert not Contribution.objects.exists()


def test_import_page_refuses_a_file_over_the_size_limit(client, staff_user, ghana_compact,
                                                        settings):
    settings.IMPORT_MAX_BYTES = 1000
    client.force_login(staff_user)
    data = (HEADER + ROW * 20).encode()
    assert len(data) > 1000
    response = client.post(f"/contributions/compacts/{ghana_compact.pk}/import/",
                           {"file": csv_file(data)})
    assert response.status_code == 400
    [error] = response.context["import_errors"]
    size = f"{round(len(data) / 1000, 1):g} KB"
    assert error.message == spreadsheets.ERR_FILE_TOO_LARGE.format(size=size, limit="1 KB")
    assert "the limit is 1 KB (IMPORT_MAX_BYTES)" in response.content.decode()
    assert not Contribution.objects.exists()


# --- Limits named in the messages ------------------------------------------------------------

def test_more_rows_than_the_cap_are_refused(staff_user, ghana_compact):
    data = (HEADER + ROW * (importing.MAX_ROWS + 1)).encode()
    errors = import_errors(staff_user, ghana_compact, csv_file(data))
    assert [e.message for e in errors] == [importing.ERR_TOO_MANY]
    assert "5,000" in importing.ERR_TOO_MANY


def test_a_cell_longer_than_the_cap_is_named_by_row_and_column(staff_user, ghana_compact):
    long = "x" * (importing.MAX_CELL_CHARS + 1)
    data = (HEADER + ROW + f"2024,funding,{long},1,GHS,1,\n").encode()
    errors = import_errors(staff_user, ghana_compact, csv_file(data))
    assert errors == [RowError(3, "description", importing.ERR_CELL_TOO_LONG.format(
        length="2,001"))]
    assert "the limit is 2,000" in errors[0].message


def test_a_cell_at_the_cap_is_accepted(staff_user, ghana_compact):
    text = "x" * importing.MAX_CELL_CHARS
    upload = csv_file((HEADER + f"2024,funding,{text},1,GHS,1,\n").encode())
    saved = services.contributions_import(user=staff_user, compact=ghana_compact,
                                          uploaded_file=upload, filename=upload.name)
    assert saved[0].description == text


def test_a_nul_character_in_a_workbook_is_refused(staff_user, ghana_compact):
    # XML cannot hold NUL, not even as a character reference: the workbook is broken.
    data = workbook_bytes([HEADER_CELLS, GOOD_CELLS], edit_sheet=lambda xml: xml.replace(
        b"Sample: office space", b"Sample:&#0; office space"))
    upload = SimpleUploadedFile("contributions.xlsx", data)
    errors = import_errors(staff_user, ghana_compact, upload)
    assert [e.message for e in errors] == [
        importing.ERR_UNREADABLE.format(kind="an Excel workbook")]


# --- XLSX read in bounded time ------------------------------------------------------------------

def test_workbook_declaring_a_million_rows_is_refused_without_reading_them(staff_user,
                                                                           ghana_compact):
    # A 5 KB workbook with one cell in the sheet's last row and column: read row by row to
    # the end it padded every row to 16,384 cells (seconds and gigabytes).
    workbook = Workbook()
    workbook.active.append(HEADER_CELLS)
    workbook.active.append(GOOD_CELLS)
    workbook.active.cell(row=1_048_576, column=16_384, value="end")
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("contributions.xlsx", buffer.getvalue())
    errors = import_errors(staff_user, ghana_compact, upload)
    assert [e.message for e in errors] == [
        spreadsheets.ERR_TOO_MANY_ROWS.format(limit=50_000)]
    assert "50,000 rows" in errors[0].message


def test_a_false_sheet_size_is_ignored(staff_user, ghana_compact):
    data = workbook_bytes([HEADER_CELLS, GOOD_CELLS, GOOD_CELLS], edit_sheet=lambda xml: re.sub(
        rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', xml))
    upload = SimpleUploadedFile("contributions.xlsx", data)
    saved = services.contributions_import(user=staff_user, compact=ghana_compact,
                                          uploaded_file=upload, filename=upload.name)
    assert len(saved) == 2


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_parsing(staff_user,
                                                                       ghana_compact,
                                                                       settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 10_000_000
    # 11 MB of XML comment packs into a few KB: expat would chew on it for many seconds.
    data = workbook_bytes([HEADER_CELLS, GOOD_CELLS], edit_sheet=lambda xml: xml.replace(
        b"</sheetData>", b"<!--" + b"a" * 11_000_000 + b"--></sheetData>"))
    assert len(data) < 100_000
    upload = SimpleUploadedFile("contributions.xlsx", data)
    errors = import_errors(staff_user, ghana_compact, upload)
    assert errors[0].message.startswith("The workbook unpacks to 11 MB; the limit is 10 MB "
                                        "unpacked (IMPORT_MAX_UNCOMPRESSED_BYTES)")


def test_a_file_that_is_not_a_workbook_is_refused(staff_user, ghana_compact):
    for data in (b"PK\x03\x04 truncated", b"\x00" * 100, HEADER.encode()):
        errors = import_errors(staff_user, ghana_compact,
                               SimpleUploadedFile("contributions.xlsx", data))
        assert [e.message for e in errors] == [
            importing.ERR_UNREADABLE.format(kind="an Excel workbook")]


# --- What our export escaped reads back as it was -----------------------------------------------

def test_an_exported_formula_like_description_imports_back_unchanged(client, staff_user,
                                                                     ghana_compact):
    upload = csv_file((HEADER + "2024,funding,=SUM(A1:A9) budget,1,GHS,1,\n").encode())
    services.contributions_import(user=staff_user, compact=ghana_compact,
                                  uploaded_file=upload, filename=upload.name)
    client.force_login(staff_user)
    exported = client.get(f"/contributions/compacts/{ghana_compact.pk}/export.csv").content
    assert b"'=SUM(A1:A9) budget" in exported
    Contribution.objects.all().delete()
    services.contributions_import(user=staff_user, compact=ghana_compact,
                                  uploaded_file=csv_file(exported), filename="export.csv")
    assert Contribution.objects.get().description == "=SUM(A1:A9) budget"
