"""Award finances: the service's rules, the import (good file, bad row, too large, formula
cells; preview then confirm, all or nothing), the API (roles, scope, ETag) and the CSV."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from compacts import finance_services
from compacts.models import AwardFinance

from .factories import AwardFactory, AwardFinanceFactory

pytestmark = pytest.mark.django_db
D = Decimal
HEADER = "award_number,fiscal_year,obligated_usd,disbursed_usd,spent_usd,source_reference,as_of\n"


@pytest.fixture
def award(ghana_compact):
    return AwardFactory(compact=ghana_compact, award_number="SINLEC-22-GH-001",
                        amount_usd=D("1000000"))


def _upload(text: str, name="finances.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _import(client, compact, upload):
    return client.post(f"/compacts/{compact.pk}/finances/import/", {"file": upload})


def test_rules_a_finance_officer_expects(staff_user, award, auditor_user):
    save = finance_services.award_finances_save
    with pytest.raises(ValidationError) as error:
        save(user=staff_user, award=award, rows=[{
            "fiscal_year": 2023, "obligated_usd": D("100"), "disbursed_usd": D("200"),
            "spent_usd": D("50"), "as_of": dt.date(2023, 9, 30)}])
    assert "disbursed_usd" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        save(user=staff_user, award=award, rows=[{
            "fiscal_year": 2023, "obligated_usd": D("1000001"), "disbursed_usd": D("0"),
            "spent_usd": D("0"), "as_of": dt.date(2023, 9, 30)}])
    assert "obligated_usd" in error.value.message_dict
    # The year after the award's end is its close-out year; two years after is refused.
    last = award.end_date.year + (1 if award.end_date.month >= 10 else 0)
    row = {"obligated_usd": D("0"), "disbursed_usd": D("0"), "spent_usd": D("0"),
           "as_of": dt.date(2022, 10, 1)}
    with pytest.raises(ValidationError) as error:
        save(user=staff_user, award=award, rows=[{**row, "fiscal_year": last + 2}])
    assert "fiscal_year" in error.value.message_dict
    assert AwardFinance.objects.count() == 0
    with pytest.raises(PermissionDenied):
        save(user=auditor_user, award=award, rows=[{**row, "fiscal_year": 2023}])


def test_import_good_file_previews_then_saves(client, staff_user, ghana_compact, award):
    client.force_login(staff_user)
    text = HEADER + ("SINLEC-22-GH-001,2023,400000,250000,200000,FMS-1,2023-09-30\n"
                     "SINLEC-22-GH-001,2024,300000,350000,300000,=FMS-2,2024-09-30\n")
    response = _import(client, ghana_compact, _upload(text))
    assert response.status_code == 200 and len(response.context["preview"]) == 2
    assert AwardFinance.objects.count() == 0  # the preview saves nothing
    token = response.context["confirm"].initial["token"]
    response = client.post(f"/compacts/{ghana_compact.pk}/finances/import/", {"token": token})
    assert response.status_code == 302
    rows = list(AwardFinance.objects.order_by("fiscal_year"))
    assert [(r.fiscal_year, r.spent_usd, r.recorded_by) for r in rows] == [
        (2023, D("200000"), staff_user), (2024, D("300000"), staff_user)]
    # A formula-like reference is kept as text, and the CSV hands it back quoted.
    assert rows[1].source_reference == "=FMS-2"
    body = client.get(f"/compacts/{ghana_compact.pk}/finances.csv").content.decode()
    table = list(csv.reader(io.StringIO(body)))
    assert (table[2][0], table[2][3]) == ("SINLEC-22-GH-001", "2024")
    assert table[2][10] == "'=FMS-2"
    assert table[-1][0] == "TOTAL" and D(table[-1][6]) == D("500000")


def test_import_bad_row_saves_nothing_and_names_row_and_column(client, staff_user,
                                                               ghana_compact, award):
    client.force_login(staff_user)
    text = HEADER + ("SINLEC-22-GH-001,2023,400000,250000,200000,FMS-1,2023-09-30\n"
                     "SINLEC-22-GH-001,2024,=SUM(C2:C3),0,0,FMS-2,2024-09-30\n"
                     "NO-SUCH-AWARD,2024,1,0,0,FMS-3,2024-09-30\n"
                     "SINLEC-22-GH-001,2025,0,900000,0,FMS-4,30/09/2025\n")
    response = _import(client, ghana_compact, _upload(text))
    assert response.status_code == 400
    errors = {(e.row, e.column) for e in response.context["import_errors"]}
    assert {(3, "obligated_usd"), (4, "award_number"), (5, "as_of")} <= errors
    assert AwardFinance.objects.count() == 0


def test_import_formula_cells_of_a_workbook_are_never_run(client, staff_user, ghana_compact,
                                                          award):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["SINLEC-22-GH-001", 2023, "=1000*1000", 0, 0, "FMS-1", "2023-09-30"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(staff_user)
    upload = SimpleUploadedFile("finances.xlsx", buffer.getvalue())
    response = _import(client, ghana_compact, upload)
    # No cached value: the formula is not evaluated, the cell is empty and named.
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["import_errors"]] == [
        (2, "obligated_usd")]


def test_import_too_large_is_refused_before_reading(client, staff_user, ghana_compact, award,
                                                    settings):
    settings.IMPORT_MAX_BYTES = 200
    client.force_login(staff_user)
    text = HEADER + "SINLEC-22-GH-001,2023,1,0,0,FMS-1,2023-09-30\n" * 10
    response = _import(client, ghana_compact, _upload(text))
    assert response.status_code == 400
    [error] = response.context["import_errors"]
    assert error.row == 0 and "limit" in error.message


def test_import_is_staff_only(client, ghana_officer, ghana_compact, award):
    client.force_login(ghana_officer)
    assert client.get(f"/compacts/{ghana_compact.pk}/finances/import/").status_code == 403
    assert client.get(f"/compacts/awards/{award.pk}/finances/").status_code == 403


def test_entry_page_saves_a_year(client, staff_user, award):
    client.force_login(staff_user)
    page = client.get(f"/compacts/awards/{award.pk}/finances/")
    assert page.status_code == 200
    response = client.post(f"/compacts/awards/{award.pk}/finances/", {
        "version": page.context["version"], "fy2023-obligated_usd": "500000",
        "fy2023-disbursed_usd": "100000", "fy2023-spent_usd": "90000",
        "fy2023-source_reference": "FMS-9", "fy2023-as_of": "2023-09-30"})
    assert response.status_code == 302
    assert AwardFinance.objects.get().obligated_usd == D("500000")
    # Saving over a change made since the page was read is refused.
    stale = client.post(f"/compacts/awards/{award.pk}/finances/", {
        "version": page.context["version"], "fy2023-obligated_usd": "1",
        "fy2023-disbursed_usd": "0", "fy2023-spent_usd": "0", "fy2023-as_of": "2023-09-30"})
    assert stale.status_code == 409
    assert AwardFinance.objects.get().obligated_usd == D("500000")


def test_api_roles_scope_and_etag(staff_api, officer_api, auditor_api, api_for, award,
                                  peru_compact):
    url = f"/api/v1/awards/{award.pk}/finances/"
    body = {"fiscal_year": 2023, "obligated_usd": "400000.00", "disbursed_usd": "100000.00",
            "spent_usd": "50000.00", "source_reference": "FMS-1", "as_of": "2023-09-30"}
    first = staff_api.get(url)
    assert first.status_code == 200 and first.json() == []
    created = staff_api.post(url, body, format="json", HTTP_IF_MATCH=first["ETag"])
    assert created.status_code == 201, created.json()
    replaced = staff_api.post(url, {**body, "spent_usd": "60000.00"}, format="json")
    assert replaced.status_code == 200
    stale = staff_api.post(url, body, format="json", HTTP_IF_MATCH=first["ETag"])
    assert stale.status_code == 412
    bad = staff_api.post(url, {**body, "disbursed_usd": "500000.00"}, format="json")
    assert bad.status_code == 400 and "disbursed_usd" in bad.json()
    assert officer_api.get(url).json()[0]["spent_usd"] == "60000.00"  # Ghana's officer reads
    assert auditor_api.get(url).status_code == 200
    assert officer_api.post(url, body, format="json").status_code == 403
    assert auditor_api.post(url, body, format="json").status_code == 403
    other = AwardFactory(compact=peru_compact)
    AwardFinanceFactory(award=other)
    assert officer_api.get(f"/api/v1/awards/{other.pk}/finances/").status_code == 404
