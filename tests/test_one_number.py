"""One number everywhere: every indicator figure and partner-contribution total of three demo
compacts reads the same on the compact's indicator page, its CSV and XLSX exports, the API,
the IATI file and the text of its PDF report, with the same rounding (issue 23: a running
total read 863 in four outputs and 160 in the IATI file; a pooled percent read 76.66, 76.67
and 76.666...).

Each output is parsed as a reader would read it (the page's and PDF's English number format,
the CSV's plain digits, the workbook's numbers, the API's decimal strings, the IATI file's
values) and compared as decimals."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pypdf
import pytest
from django.utils import timezone
from lxml import etree, html
from openpyxl import load_workbook

from compacts.management.commands.seed_demo import load_demo
from compacts.models import Compact
from contributions.selectors import funding_picture
from indicators.models import Indicator
from reports.content import report_content
from reports.rendering import html_to_pdf, render_html

pytestmark = pytest.mark.django_db

COUNTRIES = ("PE", "CO", "CI")
FY = 2025  # a year every practice compact has targets, results and contributions for
STATUS_WORDS = ("On track|At risk|Off track|No target|No data|Not due yet|Not judged[^.]*\\.|"
                "Not tracked")


def number(text: str) -> Decimal | None:
    """A figure as printed anywhere: "1,250", "48.5%", "$250,000", "76.67" -> Decimal; the
    words printed for a missing figure -> None."""
    text = (text or "").strip()
    if text in {"", "—", "not reported", "Not reported", "not tracked"}:
        return None
    if text in {"Yes", "No"}:
        return Decimal(1 if text == "Yes" else 0)
    cleaned = text.replace(",", "").replace("$", "").replace("%", "").strip()
    return Decimal(cleaned)


@pytest.fixture
def demo(db, staff_user):
    load_demo(password="pw-for-tests")
    return {iso: Compact.objects.get(country__iso_code=iso) for iso in COUNTRIES}


def page_figures(client, compact) -> dict[tuple[str, str], dict[str, Decimal | None]]:
    """(code, "FY2025" or "LoC") -> target, actual, percent from the indicator page."""
    tree = html.fromstring(client.get(f"/indicators/compact/{compact.pk}/").content)
    table = tree.xpath("//table[@data-testid='indicator-table']")[0]
    years = [th.text_content().strip().replace(" ", "") for th in table.xpath(".//thead//th")[2:]]
    figures = {}
    for body in table.xpath(".//tbody[@data-testid='indicator-row']"):
        code = body.xpath(".//th[@scope='rowgroup']/strong")[0].text_content().strip()
        rows = body.xpath("./tr")
        cells = [[_cell(td) for td in row.xpath("./td")] for row in rows[:3]]
        for index, year in enumerate(years):
            key = "LoC" if index == len(years) - 1 else year
            figures[(code, key)] = {"target": number(cells[0][index]),
                                    "actual": number(cells[1][index]),
                                    "percent": number(cells[2][index])}
    return figures


def _cell(td) -> str:
    # The figure without the "since FY …" note under it.
    for note in td.xpath(".//span[@data-testid='since']"):
        note.getparent().remove(note)
    return td.text_content().strip()


def csv_figures(client, compact) -> dict[tuple[str, str], dict]:
    text = client.get(f"/indicators/compact/{compact.pk}/export.csv").content.decode()
    figures = {}
    for row in csv.DictReader(io.StringIO(text)):
        for year, prefix in ((f"FY{FY}", f"FY{FY} "), ("LoC", "life of compact ")):
            figures[(row["code"], year)] = {
                "target": number(row[f"{prefix}target"]), "actual": number(row[f"{prefix}actual"]),
                "percent": number(row[f"{prefix}percent of target"])}
    return figures


def xlsx_figures(client, compact) -> dict[tuple[str, str], dict]:
    sheet = load_workbook(io.BytesIO(
        client.get(f"/indicators/compact/{compact.pk}/export.xlsx").content)).active
    header = [c.value for c in sheet[3]]
    figures = {}
    for row in sheet.iter_rows(min_row=4, values_only=True):
        values = dict(zip(header, row, strict=True))

        def dec(value):
            return None if value is None else Decimal(str(value))

        for year, prefix in ((f"FY{FY}", f"FY{FY} "), ("LoC", "life of compact ")):
            figures[(values["code"], year)] = {
                "target": dec(values[f"{prefix}target"]), "actual": dec(values[f"{prefix}actual"]),
                "percent": dec(values[f"{prefix}percent of target"])}
    return figures


def api_figures(staff_api, compact) -> dict[tuple[str, str], dict]:
    figures = {}
    for indicator in Indicator.objects.filter(compact=compact):
        for row in staff_api.get(f"/api/v1/indicators/{indicator.pk}/progress/").json():
            if row["fiscal_year"] == FY:
                figures[(indicator.code, f"FY{FY}")] = {
                    key: None if row[field] is None else Decimal(row[field])
                    for key, field in (("target", "target"), ("actual", "actual"),
                                       ("percent", "percent_of_target"))}
    return figures


def iati_figures(staff_api) -> dict[tuple[str, str, str], dict]:
    root = etree.fromstring(staff_api.get("/api/v1/iati/activities.xml").content)
    start = dt.date(FY - 1, 10, 1).isoformat()
    figures = {}
    for activity in root.iter("iati-activity"):
        iso = activity.find("recipient-country").get("code")
        for indicator in activity.iter("indicator"):
            code = indicator.find("reference").get("code")
            for period in indicator.findall("period"):
                if period.find("period-start").get("iso-date") != start:
                    continue
                target, actual = period.find("target"), period.find("actual")
                figures[(iso, code)] = {
                    "target": None if target is None else Decimal(target.get("value")),
                    "actual": None if actual is None else Decimal(actual.get("value"))}
    return figures


def pdf_text(compact) -> str:
    content = report_content(kind="compact_oversight", fiscal_year=FY, compact_id=compact.pk,
                             data_as_of=timezone.now())
    pages = pypdf.PdfReader(io.BytesIO(html_to_pdf(render_html(content)).data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def test_every_figure_of_three_demo_compacts_is_the_same_in_every_output(
        demo, client, staff_user, staff_api):
    client.force_login(staff_user)
    iati = iati_figures(staff_api)
    compared = 0
    for iso, compact in demo.items():
        page = page_figures(client, compact)
        csv_rows, xlsx_rows = csv_figures(client, compact), xlsx_figures(client, compact)
        api = api_figures(staff_api, compact)
        pdf = pdf_text(compact)
        # The indicator table, not the findings that name the same codes before it.
        pdf = pdf[pdf.index(f"indicator performance, FY{FY}"):]
        codes = sorted({code for code, _year in page})
        assert len(codes) >= 4, f"{iso}: the demo compact has indicators to compare"
        for code in codes:
            for year in (f"FY{FY}", "LoC"):
                shown = page[(code, year)]
                assert csv_rows[(code, year)] == shown, (iso, code, year, "CSV")
                assert xlsx_rows[(code, year)] == shown, (iso, code, year, "XLSX")
                compared += 1
            shown = page[(code, f"FY{FY}")]
            assert api[(code, f"FY{FY}")] == shown, (iso, code, "API")
            published = iati.get((iso, code))
            if shown["target"] is not None or shown["actual"] is not None:
                assert published is not None, (iso, code, "IATI")
                assert published["target"] == shown["target"], (iso, code, "IATI target")
                if published["actual"] is not None:
                    assert published["actual"] == shown["actual"], (iso, code, "IATI actual")
            # The PDF's indicator table: the code, then (after the name) target, actual and
            # percent as the page shows them.
            row = re.search(rf"{re.escape(code)} (.{{0,700}}?)({STATUS_WORDS})", pdf)
            assert row, (iso, code, "PDF row")
            printed = [number(t) for t in re.findall(r"\$?\d[\d,]*(?:\.\d+)?%?|not reported",
                                                    re.sub(r"\(since FY\d{4}\)", "",
                                                           row.group(1)))]
            expected = [shown["target"], shown["actual"]]
            if shown["target"] is None or shown["actual"] is None:
                expected.append(None)  # the percent column reads "not reported" too
            elif shown["percent"] is not None:
                expected.append(shown["percent"])
            assert printed[-len(expected):] == expected, (iso, code, "PDF", row.group(0))
    assert compared >= 24


def test_partner_totals_are_the_same_on_the_page_and_in_the_pdf(demo, client, staff_user):
    client.force_login(staff_user)
    for iso, compact in demo.items():
        years = {y.fiscal_year: y for y in funding_picture(user=staff_user, compact=compact)}
        tree = html.fromstring(client.get(f"/contributions/compacts/{compact.pk}/").content)
        rows = {r.xpath("./th")[0].text_content().strip().replace(" ", ""): r
                for r in tree.xpath("//tr[@data-testid='funding-row']")}
        page_row = rows[f"FY{FY}"]
        year = years[FY]
        shown = [number(page_row.xpath(f".//td[@data-testid='{name}']")[0].text_content())
                 for name in ("partner-verified", "partner-in-kind", "partner-unverified")]
        assert shown == [None if v is None else v.quantize(Decimal("1"))
                         for v in (year.partner_verified_usd, year.partner_in_kind_usd,
                                   year.partner_unverified_usd)], iso
        pdf = pdf_text(compact)
        line = re.search(rf"FY{FY} ((?:\$[\d,]+|not reported) ?){{5}}", pdf)
        assert line, (iso, "PDF funding row")
        printed = [number(t) for t in re.findall(r"\$[\d,]+|not reported", line.group(0))]
        assert printed[2:] == shown, (iso, "PDF funding", line.group(0))
