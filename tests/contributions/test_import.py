"""Import of a CSV or XLSX file of contributions: all rows or none, errors by row and column."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from contributions import services
from contributions.importing import ContributionImportError, RowError
from contributions.models import ERR_CURRENCY, Contribution

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

HEADER = "fiscal_year,kind,description,amount_local,currency,amount_usd,personnel_count\n"
GOOD_ROWS = (
    "2023,funding,Sample: shelter budget,120000,GHS,10000.50,\n"
    "2024,personnel,Sample: seconded police officers,0,GHS,0,12\n"
)


def csv_file(text, name="contributions.csv"):
    return SimpleUploadedFile(name, text.encode(), "text/csv")


def xlsx_file(rows, name="contributions.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def run(user, compact, upload):
    return services.contributions_import(user=user, compact=compact, uploaded_file=upload,
                                         filename=upload.name)


def test_good_csv_saves_every_row(staff_user, ghana_compact):
    saved = run(staff_user, ghana_compact, csv_file(HEADER + GOOD_ROWS))
    assert len(saved) == 2
    first, second = Contribution.objects.order_by("fiscal_year")
    assert (first.fiscal_year, first.kind, first.amount_usd) == (2023, "funding",
                                                                 Decimal("10000.50"))
    assert (second.kind, second.personnel_count) == ("personnel", 12)
    assert first.recorded_by == staff_user and first.compact == ghana_compact


def test_csv_with_one_bad_row_saves_nothing_and_names_row_and_column(staff_user,
                                                                     ghana_compact):
    text = HEADER + GOOD_ROWS + "2024,funding,Sample: bad code,5,XYZ,1,\n"
    with pytest.raises(ContributionImportError) as excinfo:
        run(staff_user, ghana_compact, csv_file(text))
    assert excinfo.value.errors == [RowError(4, "currency", ERR_CURRENCY)]
    assert not Contribution.objects.exists()


def test_every_error_of_every_row_is_reported(staff_user, ghana_compact):
    text = HEADER + (
        "2019,funding,Outside the compact,1,GHS,1,\n"
        "2024,personnel,No count,1,GHS,1,\n"
        "2024,funding,Bad amount,abc,GHS,-1,\n"
        "twenty,in kind,Bad year,1,GHS,1,\n"
    )
    with pytest.raises(ContributionImportError) as excinfo:
        run(staff_user, ghana_compact, csv_file(text))
    found = {(e.row, e.column) for e in excinfo.value.errors}
    assert found == {(2, "fiscal_year"), (3, "personnel_count"), (4, "amount_local"),
                     (4, "amount_usd"), (5, "fiscal_year")}
    assert not Contribution.objects.exists()


def test_xlsx_is_imported_with_labels_and_numbers(staff_user, ghana_compact):
    upload = xlsx_file([
        ["Fiscal year", "Kind", "Description", "Amount local", "Currency", "Amount USD",
         "Personnel count"],
        [2024, "In kind", "Sample: office space", 50000, "ghs", 4100.25, None],
        [2025, "personnel", "Sample: social workers", 0, "GHS", 0, 8],
    ])
    assert len(run(staff_user, ghana_compact, upload)) == 2
    in_kind = Contribution.objects.get(kind="in_kind")
    assert in_kind.currency == "GHS" and in_kind.amount_usd == Decimal("4100.25")


def test_xlsx_with_one_bad_row_saves_nothing(staff_user, ghana_compact):
    upload = xlsx_file([
        list(HEADER.strip().split(",")),
        [2024, "funding", "ok", 1, "GHS", 1, None],
        [2024, "funding", "count on funding", 1, "GHS", 1, 3],
    ])
    with pytest.raises(ContributionImportError) as excinfo:
        run(staff_user, ghana_compact, upload)
    assert [(e.row, e.column) for e in excinfo.value.errors] == [(3, "personnel_count")]
    assert not Contribution.objects.exists()


def test_missing_columns_and_wrong_format_are_reported(staff_user, ghana_compact):
    with pytest.raises(ContributionImportError) as excinfo:
        run(staff_user, ghana_compact, csv_file("fiscal_year,kind\n2024,funding\n"))
    assert "amount_usd" in excinfo.value.errors[0].message
    with pytest.raises(ContributionImportError):
        run(staff_user, ghana_compact, SimpleUploadedFile("x.pdf", b"%PDF"))
    with pytest.raises(ContributionImportError):
        run(staff_user, ghana_compact, SimpleUploadedFile("x.xlsx", b"not a workbook"))


def test_only_staff_import(ghana_officer, ghana_compact):
    with pytest.raises(PermissionDenied):
        run(ghana_officer, ghana_compact, csv_file(HEADER + GOOD_ROWS))


def test_import_page_shows_row_and_column_and_saves_nothing(client, staff_user,
                                                            ghana_compact):
    client.force_login(staff_user)
    url = f"/contributions/compacts/{ghana_compact.pk}/import/"
    assert client.get(url).status_code == 200
    bad = csv_file(HEADER + GOOD_ROWS + "2024,funding,Sample,5,XYZ,1,\n")
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["import_errors"]] == [(4, "currency")]
    assert b'data-testid="import-error"><td>4</td><td>currency</td>' in response.content
    assert not Contribution.objects.exists()
    response = client.post(url, {"file": csv_file(HEADER + GOOD_ROWS)})
    assert response.status_code == 302
    assert Contribution.objects.count() == 2


def test_import_page_is_staff_only(client, ghana_officer, auditor_user, ghana_compact):
    url = f"/contributions/compacts/{ghana_compact.pk}/import/"
    for user in (ghana_officer, auditor_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"file": csv_file(HEADER + GOOD_ROWS)}).status_code == 403
    assert not Contribution.objects.exists()
