"""Tables that read whole, on the demo data: the dashboard heads its columns with the checks'
names and shows each verdict in words with its detail in the page (a disclosure, not a
tooltip); the wide tables of the dashboard, the compact page, GAO's record, the partner
contributions and the indicators either stack on narrow screens, every cell labelled, or
scroll inside a container that says so."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.translation import override
from lxml import html

from compacts.models import Compact
from oversight.views import CHECK_LABELS, CheckRows

LABELS = ["Key indicators in advance", "Data discussed", "Annual targets",
          "Targets in guidance", "Contributions tracked", "Sustainability plan"]
VERDICT = re.compile(r"^(Met|Not met|Not applicable|Pending, due \d{4}-\d{2}-\d{2})$")


@pytest.fixture
def demo(db, demo_module):
    """The demo, loaded once for the module (tests/conftest.py)."""


@pytest.fixture
def staff(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="tip.staff"))
    return client


def text(element) -> str:
    return " ".join(element.text_content().split())


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, html.fromstring(response.content)


def test_the_labels_are_the_ones_the_columns_show():
    with override("en"):
        assert [str(CHECK_LABELS[n]) for n in range(1, 7)] == LABELS


def test_the_dashboard_heads_each_column_with_the_check_it_is(staff):
    _, tree = page(staff, "/")
    table = tree.xpath("//table[@data-testid='dashboard-checks']")[0]
    headings = [text(th) for th in table.xpath(".//th[@data-testid='check-heading']")]
    assert headings == [f"Rec. {n} {label}" for n, label in enumerate(LABELS, start=1)]
    # GAO's record links to each column.
    assert [th.get("id") for th in table.xpath(".//thead//th[@id]")] == [
        f"check-{n}" for n in range(1, 7)]


def test_each_verdict_reads_in_words_with_its_detail_in_the_page(staff):
    response, tree = page(staff, "/")
    rows = list(response.context["rows"])
    assert isinstance(response.context["rows"], CheckRows)
    assert rows, "the demo has compacts active this year"
    table = tree.xpath("//table[@data-testid='dashboard-checks']")[0]
    assert table.xpath(".//*[@title]") == []  # nothing only a mouse can reach
    shown = table.xpath(".//tr[@data-testid='dashboard-row']")
    assert len(shown) == len(rows)
    statuses = set()
    for (compact, checks), row in zip(rows, shown, strict=True):
        assert text(row.xpath("./th")[0]) == compact.country.name
        cells = row.xpath("./td")
        assert len(cells) == 6
        for check, cell in zip(checks, cells, strict=True):
            statuses.add(check.status)
            summary = cell.xpath("./details/summary")[0]
            verdict = text(summary.xpath(".//span[contains(@class, 'cpc-check')]")[0])
            assert VERDICT.match(verdict), verdict
            if check.status == "pending":
                assert verdict == f"Pending, due {check.due_on:%Y-%m-%d}"
            assert text(cell.xpath("./details/p")[0]) == " ".join(check.detail.split())
    assert len(statuses) > 1  # the demo shows more than one kind of verdict


def test_the_compact_page_lists_each_check_with_its_verdict_and_detail(staff):
    colombia = Compact.objects.get(country__iso_code="CO")
    _, tree = page(staff, f"/compacts/{colombia.pk}/")
    table = tree.xpath("//table[@data-testid='compliance-table']")[0]
    rows = table.xpath(".//tr[@data-testid='compliance-row']")
    assert len(rows) == 6
    for number, row in enumerate(rows, start=1):
        shown_number, status, detail = (text(td) for td in row.xpath("./td"))
        assert shown_number == str(number)
        assert VERDICT.match(status), status
        assert detail
    assert table.xpath(".//*[@title]") == []


def pages():
    colombia = Compact.objects.get(country__iso_code="CO")
    return ["/", f"/compacts/{colombia.pk}/", "/oversight/recommendations/",
            f"/contributions/compacts/{colombia.pk}/", "/contributions/",
            f"/indicators/compact/{colombia.pk}/"]


def test_every_table_stacks_with_labels_or_says_it_scrolls(staff):
    tables_seen = 0
    for url in pages():
        _, tree = page(staff, url)
        for table in tree.xpath("//main//table"):
            tables_seen += 1
            name = f"{url} {table.get('data-testid') or table.get('class')}"
            classes = table.get("class", "").split()
            parent = table.getparent()
            scrolls = "usa-table-container--scrollable" in parent.get("class", "").split()
            if scrolls:
                cue = parent.getprevious()
                assert cue is not None and "cpc-scroll-cue" in cue.get("class", ""), name
                assert text(cue) == "Scroll sideways to see every column.", name
            if "usa-table--stacked" in classes or "usa-table--stacked-header" in classes:
                cells = table.xpath("./tbody/tr/td | ./tbody/tr/th | ./tfoot/tr/td")
                unlabelled = [text(cell)[:40] for cell in cells if not cell.get("data-label")]
                assert unlabelled == [], name
            else:
                assert scrolls, f"{name}: neither stacked nor in a scrolling container"
    assert tables_seen >= 8


def test_the_wide_tables_no_longer_scroll_where_they_stack(staff):
    """The six checks, GAO's actions and the funding picture stack on narrow screens; the
    dashboard and the funding picture keep a scrolling container for the widths in
    between, said by a cue shown only there."""
    colombia = Compact.objects.get(country__iso_code="CO")
    expected = {
        "/": {"dashboard-checks"},
        f"/compacts/{colombia.pk}/": {"compliance-table", "award-table"},
        "/oversight/recommendations/": {"gao-actions"},
        f"/contributions/compacts/{colombia.pk}/": {"funding-table", "contribution-table"},
    }
    for url, names in expected.items():
        _, tree = page(staff, url)
        for name in names:
            tables = tree.xpath(f"//table[@data-testid='{name}']")
            assert tables, (url, name)
            for table in tables:
                assert "usa-table--stacked" in table.get("class").split(), (url, name)
    _, tree = page(staff, "/")
    cue = tree.xpath("//p[@data-testid='scroll-cue']")[0]
    assert "cpc-scroll-cue--medium" in cue.get("class").split()
