"""Every CSV and XLSX export escapes formula-like text (cpc.spreadsheets), history included.

The exports are found, not listed: every GET route of the project (the access sweep's
enumeration of the URL resolver) is called as TIP staff over a world whose free text starts
like formulas (``=HYPERLINK(...)``, ``@SUM(1)``, in the records and in the change reasons
of their history), and every answer that is a CSV or an XLSX is read cell by cell: no cell
may start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (numbers aside), and no
XLSX cell may be a formula. ``EXPORT_ROUTES`` names the exports found, so a new one shows up
here (already checked) and one that disappears, or stops carrying the text, fails.
"""

import csv
import io
import re

import pytest
from django.db import models
from openpyxl import load_workbook

from cpc.spreadsheets import FORMULA_TRIGGERS
from tests.indicators.factories import StandardIndicatorFactory
from tests.test_access_sweep import ROUTES, build_world, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage",
                                                             "past_years_open")]

PAYLOADS = ['=HYPERLINK("http://x","y")', "@SUM(1)"]
REASON = "+cmd|' /C calc'!A0"
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXPORT_ROUTES = {
    "contributions:export",
    "compacts:finance-csv",
    "indicators:indicator-table-csv",
    "indicators:standard-comparison-csv",
    "indicators:indicator-table-xlsx",
    "indicators:bulk-template",
    *(f"audit:{kind}-history-csv" for kind in ("compact", "indicator", "target", "result",
                                               "dialogue", "contribution", "plan")),
    "audit:access-review-csv",
}


def _free_text_fields(instance):
    for field in instance._meta.concrete_fields:
        if (type(field) in (models.CharField, models.TextField) and not field.choices
                and not field.unique and not field.primary_key
                and (field.max_length is None or field.max_length >= 40)):
            yield field


def poison(world: dict) -> None:
    """Formula-like text in every free-text field of every record, saved as a change with a
    formula-like reason, so that the history holds it too (old and new values, reason)."""
    for number, instance in enumerate(world.values()):
        fields = list(_free_text_fields(instance))
        for position, field in enumerate(fields):
            setattr(instance, field.attname, PAYLOADS[(number + position) % len(PAYLOADS)])
        # A record without free text (a target) is saved too: its history row has the reason.
        instance._change_reason = REASON
        instance.save()


def _cells(response) -> tuple[str, list]:
    content = (b"".join(response.streaming_content) if response.streaming
               else response.content)
    kind = response.get("Content-Type", "").split(";")[0].strip()
    disposition = response.get("Content-Disposition", "")
    if kind == "text/csv" or disposition.rstrip('"').endswith(".csv"):
        rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
        return "csv", [(cell, "s") for row in rows for cell in row]
    if kind == XLSX or disposition.rstrip('"').endswith(".xlsx"):
        workbook = load_workbook(io.BytesIO(content))
        return "xlsx", [(cell.value, cell.data_type) for sheet in workbook.worksheets
                        for row in sheet.iter_rows() for cell in row
                        if cell.value is not None]
    return "", []


def test_every_export_escapes_formula_text(ghana, staff_user):
    world = build_world(ghana, StandardIndicatorFactory(code="SWEEP-1"))
    poison(world)
    # The access review lists the people: names that start like formulas.
    staff_user.first_name, staff_user.last_name = PAYLOADS[0], ""
    staff_user.save()
    found, failures = set(), []
    for route in ROUTES:
        if "get" not in route.methods():
            continue
        for url in route.urls(world):
            response = client_for(route, staff_user).get(url)
            kind, cells = _cells(response)
            if not kind:
                continue
            found.add(route.name)
            assert response.status_code == 200, url
            texts = [str(value) for value, _type in cells]
            if not any(text.startswith("'") and text[1:] in (*PAYLOADS, REASON)
                       for text in texts):
                failures.append(f"{url}: no escaped sample text in the {kind} (not exported?)")
            for value, data_type in cells:
                text = str(value)
                if data_type == "f":
                    failures.append(f"{url}: a formula cell {text!r}")
                elif (isinstance(value, str) and text.startswith(FORMULA_TRIGGERS)
                      and not NUMBER.match(text)):
                    failures.append(f"{url}: a cell starts like a formula: {text!r}")
    assert not failures, "\n".join(failures)
    assert found == EXPORT_ROUTES, (
        f"exports found but not listed: {sorted(found - EXPORT_ROUTES)}; listed but not "
        f"found: {sorted(EXPORT_ROUTES - found)}")
