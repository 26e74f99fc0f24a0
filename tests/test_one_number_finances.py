"""One number everywhere, for award finances: the ceiling at signing, awarded, obligated,
disbursed, spent, the unspent balance and the burn rate of demo compacts read the same on the
compact page, in the API (the award rows added up), the finances CSV and the text of the PDF
report, all as compacts.finances computes them; the award open after its compact's end is
flagged on the page, in the CSV and in the PDF alike."""

import csv
import io
import re
from decimal import Decimal

import pypdf
import pytest
from django.utils import timezone
from lxml import html

from compacts import finances
from compacts.management.commands.seed_demo import load_demo
from compacts.models import Compact
from reports.content import report_content
from reports.rendering import html_to_pdf, render_html
from tests.test_one_number import number

pytestmark = pytest.mark.django_db
WHOLE = Decimal("1")


@pytest.fixture
def demo(db, staff_user):
    load_demo(password="pw-for-tests")
    return {iso: Compact.objects.get(country__iso_code=iso) for iso in ("CO", "GH")}


def page_figures(client, compact) -> dict:
    tree = html.fromstring(client.get(f"/compacts/{compact.pk}/").content)
    panel = tree.xpath("//section[@data-testid='finances-panel']")[0]
    figures = {}
    for name in ("ceiling", "awarded", "obligated", "disbursed", "spent", "unspent",
                 "burn-rate"):
        dd = panel.xpath(f".//dd[@data-testid='finance-{name}']")[0]
        for tag in dd.xpath(".//span[@data-testid='sample-tag']"):
            tag.getparent().remove(tag)
        figures[name] = number(dd.text_content())
    figures["flagged"] = sorted(
        row.get("data-award") for row in panel.xpath(".//tr[@data-testid='finance-award-row']")
        if row.xpath(".//span[@data-testid='open-after-end']"))
    return figures


def expected(compact, **kwargs) -> dict:
    money = finances.compact_finances(compact, today=timezone.localdate(), **kwargs)
    return {"ceiling": money.ceiling, "awarded": money.awarded,
            "obligated": money.totals.obligated, "disbursed": money.totals.disbursed,
            "spent": money.totals.spent, "unspent": money.totals.unspent,
            "burn-rate": money.totals.burn_rate_percent,
            "flagged": sorted(a.award.award_number for a in money.open_after_end)}


def api_totals(staff_api, compact) -> dict:
    totals = dict.fromkeys(("obligated", "disbursed", "spent"), Decimal("0"))
    for award in compact.awards.all():
        response = staff_api.get(f"/api/v1/awards/{award.pk}/finances/")
        assert response.status_code == 200
        for row in response.json():
            for name in totals:
                totals[name] += Decimal(row[f"{name}_usd"])
    return totals


def csv_total(client, compact) -> tuple[dict, list[str]]:
    table = list(csv.DictReader(io.StringIO(
        client.get(f"/compacts/{compact.pk}/finances.csv").content.decode())))
    total = next(row for row in table if row["award_number"] == "TOTAL")
    flagged = sorted(row["award_number"] for row in table
                     if row["open_after_compact_end"] == "yes")
    return ({"awarded": Decimal(total["award_amount_usd"]),
             **{name: Decimal(total[f"{name}_usd"])
                for name in ("obligated", "disbursed", "spent", "unspent")},
             "burn-rate": Decimal(total["burn_rate_percent"])}, flagged)


def pdf_figures(compact, fiscal_year: int) -> tuple[list[Decimal | None], str]:
    content = report_content(kind="compact_oversight", fiscal_year=fiscal_year,
                             compact_id=compact.pk, data_as_of=timezone.now())
    pages = pypdf.PdfReader(io.BytesIO(html_to_pdf(render_html(content)).data)).pages
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))
    line = re.search(r"Burn rate \(spent ÷ obligated\) ((?:\$[\d,]+|not reported) ?){6}"
                     r"[\d.]+%", text)
    assert line, "the PDF's finance row"
    return [number(t) for t in re.findall(r"\$[\d,]+|not reported|[\d.]+%",
                                          line.group(0))], text


def test_finance_figures_are_the_same_on_page_api_csv_and_pdf(demo, client, staff_user,
                                                                staff_api):
    client.force_login(staff_user)
    colombia, ghana = demo["CO"], demo["GH"]
    want = expected(colombia)
    # The demo's Colombia figures: about $9.6M awarded in October 2022, a $10M ceiling.
    assert (want["ceiling"], want["awarded"]) == (Decimal("10000000"), Decimal("9600000"))
    assert want["obligated"] > 0 and want["spent"] > 0 and want["flagged"] == []
    assert page_figures(client, colombia) == want
    api = api_totals(staff_api, colombia)
    assert api == {k: want[k] for k in api}
    shown, flagged = csv_total(client, colombia)
    assert shown == {k: want[k] for k in shown} and flagged == []
    last_year = max(finances.compact_year_totals(Compact.objects.filter(pk=colombia.pk))
                    [colombia.pk])
    printed, _text = pdf_figures(colombia, last_year)
    assert printed == [want[k].quantize(WHOLE) for k in
                       ("ceiling", "awarded", "obligated", "disbursed", "spent", "unspent")
                       ] + [want["burn-rate"]]
    # Ghana's compact has ended and one award keeps a balance: flagged everywhere.
    want = expected(ghana)
    assert want["flagged"] == ["SAMPLE-GH-2015-02"]
    assert page_figures(client, ghana) == want
    assert csv_total(client, ghana)[1] == want["flagged"]
