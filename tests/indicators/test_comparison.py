"""Each standard indicator across compacts by fiscal year: the page and its CSV read the same
figures as each compact's own indicator page and CSV (one number), only approved results
count, each role sees its compacts, and the empty states say what is missing."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compacts import services
from cpc.access.roles import IMPLEMENTER
from indicators.comparison import MAX_YEARS
from indicators.views import CompactIndicatorsView, ProgressCell
from indicators.views.comparison import PAGE_SIZE
from tests.compacts.factories import AwardFactory, CompactFactory, ImplementerFactory, UserFactory
from tests.indicators.factories import (
    IndicatorFactory,
    ResultFactory,
    StandardIndicatorFactory,
    TargetFactory,
)

pytestmark = pytest.mark.usefixtures("past_years_open")

URL = "/indicators/standard/"
CSV_URL = "/indicators/standard/export.csv"
YEARS = "from=2023&to=2025"


def from_standard(standard, compact, **fields):
    """A compact's indicator made from ``standard`` (its wording and rules copied)."""
    values = {"code": standard.code, "name": standard.name, "pillar": standard.pillar,
              "unit": standard.unit, "direction": standard.direction,
              "cumulation": standard.cumulation} | fields
    return IndicatorFactory(compact=compact, standard=standard, **values)


@pytest.fixture
def library(db):
    return {
        "count": StandardIndicatorFactory(code="CMP-1", name="Victims referred",
                                          pillar="protection", unit="count",
                                          cumulation="cumulative"),
        "decrease": StandardIndicatorFactory(code="CMP-2", name="Days to refer a case",
                                             pillar="protection", unit="count",
                                             direction="decrease"),
        "yes_no": StandardIndicatorFactory(code="CMP-3", name="Referral protocol adopted",
                                           pillar="partnership", unit="yes_no"),
        "unused": StandardIndicatorFactory(code="CMP-9", name="Nobody tracks it",
                                           pillar="prevention", unit="count"),
    }


@pytest.fixture
def figures(library, ghana_compact, peru_compact, staff_user):
    """Ghana and Peru track the three standard indicators; FY2024 of Ghana's count has an
    approved result and a submitted one that must not count (of another year)."""
    made = {}
    for compact in (ghana_compact, peru_compact):
        count = from_standard(library["count"], compact)
        decrease = from_standard(library["decrease"], compact)
        yes_no = from_standard(library["yes_no"], compact)
        made[compact.country.iso_code.code] = {"count": count, "decrease": decrease,
                                               "yes_no": yes_no}
        for year, target, actual in ((2023, "100", "92"), (2024, "120", "150")):
            TargetFactory(indicator=count, fiscal_year=year, value=Decimal(target))
            ResultFactory(indicator=count, fiscal_year=year, value=Decimal(actual))
        # Lower is better: 30 days aimed at, 40 taken (75 %), then 20 taken (150 %).
        TargetFactory(indicator=decrease, fiscal_year=2023, value=Decimal("30"))
        ResultFactory(indicator=decrease, fiscal_year=2023, value=Decimal("40"))
        TargetFactory(indicator=decrease, fiscal_year=2024, value=Decimal("30"))
        ResultFactory(indicator=decrease, fiscal_year=2024, value=Decimal("20"))
        # Yes aimed at, no answered: 0 %; then yes: 100 %.
        TargetFactory(indicator=yes_no, fiscal_year=2023, value=Decimal("1"))
        ResultFactory(indicator=yes_no, fiscal_year=2023, value=Decimal("0"))
        TargetFactory(indicator=yes_no, fiscal_year=2024, value=Decimal("1"))
        ResultFactory(indicator=yes_no, fiscal_year=2024, value=Decimal("1"))
    ResultFactory(indicator=made["GH"]["count"], fiscal_year=2025, value=Decimal("9999"),
                  status="submitted")
    return made


def page(client, query=YEARS):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return response


def csv_rows(client, query=YEARS) -> list[dict]:
    response = client.get(f"{CSV_URL}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def page_cells(response) -> dict[tuple[int, int], ProgressCell | None]:
    """{(indicator id, fiscal year): the cell the page shows}."""
    return {(item["indicator"].pk, year): cell
            for _standard, rows in response.context["groups"] for item in rows
            for year, cell in item["cells"]}


def test_the_page_and_the_csv_read_the_compacts_own_figures(client, staff_user, figures):
    client.force_login(staff_user)
    cells = page_cells(page(client))
    rows = {(row["country"], row["indicator code"]): row for row in csv_rows(client)}
    assert len(rows) == 6 and len(cells) == 6 * 3
    for indicators in figures.values():
        compact = next(iter(indicators.values())).compact
        own = CompactIndicatorsView.table_context(staff_user, compact.pk)
        for own_row in own["rows"]:
            indicator = own_row["indicator"]
            row = rows[(compact.country.name, indicator.code)]
            for year, own_cell in zip(own["years"], own_row["years"], strict=True):
                if year not in (2023, 2024, 2025):
                    continue
                # The page's cell is the compact page's cell, figure for figure.
                assert cells[(indicator.pk, year)] == own_cell, (indicator.code, year)
                # The CSV holds the same figures, unformatted.
                shown = [own_cell.target, own_cell.actual]
                in_csv = [row[f"FY{year} target"], row[f"FY{year} actual"]]
                for text, figure in zip(shown, in_csv, strict=True):
                    if figure == "":
                        assert text == "not reported"
                    elif indicator.unit == "yes_no":
                        assert text == ("Yes" if Decimal(figure) >= 1 else "No")
                    else:
                        assert text.replace(",", "") == figure
                percent = row[f"FY{year} percent of target"]
                assert own_cell.percent in ({f"{percent}%"} if percent else {"not reported", ""})
                assert row[f"FY{year} status"] == str(own_cell.status_label)


def test_percent_of_target_follows_direction_unit_and_cumulation(client, auditor_user,
                                                                 figures):
    client.force_login(auditor_user)
    rows = {(row["country"], row["standard code"]): row for row in csv_rows(client)}
    ghana = rows[("Ghana", "CMP-1")]
    # Cumulative: FY2024 is the running total, 242 of 220.
    assert (ghana["FY2023 target"], ghana["FY2023 actual"],
            ghana["FY2023 percent of target"]) == ("100", "92", "92")
    assert (ghana["FY2024 target"], ghana["FY2024 actual"],
            ghana["FY2024 percent of target"]) == ("220", "242", "110")
    # The submitted 9999 of FY2025 is no actual.
    assert ghana["FY2025 actual"] == "" and "9999" not in str(rows)
    decrease = rows[("Ghana", "CMP-2")]
    assert decrease["FY2023 percent of target"] == "75"
    assert decrease["FY2023 status"] == "Off track"
    assert decrease["FY2024 percent of target"] == "150"
    yes_no = rows[("Ghana", "CMP-3")]
    assert (yes_no["FY2023 percent of target"], yes_no["FY2023 status"]) == ("0", "Off track")
    assert (yes_no["FY2024 percent of target"], yes_no["FY2024 status"]) == ("100", "On track")
    content = page(client).content.decode()
    assert "9,999" not in content
    assert content.count('data-testid="comparison-group"') == 3
    # The library entry nobody tracks is named, not left out silently.
    untracked = re.search(r'data-testid="untracked">(.*?)</p>', content, re.S).group(1)
    assert "CMP-9" in untracked and "CMP-1" not in untracked


def test_one_standard_indicator_and_a_pillar(client, staff_user, figures):
    client.force_login(staff_user)
    content = page(client, f"standard=CMP-2&{YEARS}").content.decode()
    assert content.count('data-testid="comparison-group"') == 1
    assert content.count('data-testid="comparison-row"') == 2
    assert {row["standard code"] for row in csv_rows(client, f"standard=CMP-2&{YEARS}")} == {
        "CMP-2"}
    response = page(client, f"pillar=partnership&{YEARS}")
    assert [s.code for s, _rows in response.context["groups"]] == ["CMP-3"]
    # The library's own partnership entries (the data migration's) are tracked by none.
    untracked = response.context["untracked"]
    assert untracked and {s.pillar for s in untracked} == {"partnership"}
    assert "CMP-3" not in {s.code for s in untracked}


def test_empty_states(client, staff_user, library, figures):
    client.force_login(staff_user)
    content = page(client, f"standard=CMP-9&{YEARS}").content.decode()
    assert 'data-testid="comparison-empty"' in content
    assert "No compact you can see tracks this standard indicator (CMP-9)" in content
    assert 'data-testid="comparison-table"' not in content
    assert csv_rows(client, f"standard=CMP-9&{YEARS}") == []
    # A pillar no compact's indicator is made for: nothing to show, said so.
    content = page(client, f"pillar=prevention&{YEARS}").content.decode()
    assert "No compact you can see tracks a standard indicator in FY" in content


def test_a_year_outside_the_compact_or_its_tracking_reads_not_tracked(client, staff_user,
                                                                    library, ghana_compact):
    dropped = from_standard(library["count"], ghana_compact, last_fiscal_year=2024)
    late = CompactFactory(country=ghana_compact.country, title="Later compact",
                          start_date=dt.date(2024, 11, 1))  # from FY2025
    joined = from_standard(library["count"], late)
    client.force_login(staff_user)
    cells = page_cells(page(client))
    assert cells[(dropped.pk, 2024)] is not None and cells[(dropped.pk, 2025)] is None
    assert cells[(joined.pk, 2024)] is None and cells[(joined.pk, 2025)] is not None
    rows = {row["compact"]: row for row in csv_rows(client)}
    assert rows["Later compact"]["FY2024 status"] == "not tracked"
    assert rows["Later compact"]["FY2024 target"] == ""
    assert rows[ghana_compact.title]["FY2025 status"] == "not tracked"
    content = page(client).content.decode()
    assert content.count('data-testid="not-tracked"') == 3  # FY2025; FY2023, FY2024


def test_the_range_is_kept_within_bounds(client, staff_user, figures):
    client.force_login(staff_user)
    chosen = page(client, "from=2030&to=2010").context["chosen"]
    assert chosen.first_year <= chosen.last_year
    chosen = page(client, "from=2000&to=2100&standard=nonsense&pillar=nonsense").context[
        "chosen"]
    assert len(chosen.years) <= MAX_YEARS
    assert chosen.standard is None and chosen.pillar == ""


def test_an_officer_sees_only_their_countrys_compacts(client, ghana_officer, figures):
    client.force_login(ghana_officer)
    content = page(client).content.decode()
    assert "Ghana" in content and "Peru" not in content
    assert {row["country"] for row in csv_rows(client)} == {"Ghana"}


def test_an_implementer_sees_only_the_compacts_of_their_awards(client, library, ghana,
                                                               ghana_compact, figures):
    organisation = ImplementerFactory()
    AwardFactory(compact=ghana_compact, implementer=organisation)
    other = CompactFactory(country=ghana, title="Second Ghana compact")
    from_standard(library["count"], other)
    user = UserFactory(username="implementer.cmp")
    services.user_assign_role(user=user, role=IMPLEMENTER, implementers=[organisation])
    client.force_login(user)
    rows = csv_rows(client)
    assert {row["compact"] for row in rows} == {ghana_compact.title}
    content = page(client).content.decode()
    assert "Second Ghana compact" not in content and "Peru" not in content


def test_the_auditor_reads_and_writes_nothing(client, auditor_user, figures):
    client.force_login(auditor_user)
    assert {row["country"] for row in csv_rows(client)} == {"Ghana", "Peru"}
    assert client.post(URL).status_code == 405
    assert client.post(CSV_URL).status_code == 405


def test_csv_quotes_formula_like_text(client, staff_user, library, ghana):
    compact = CompactFactory(country=ghana, title="=HYPERLINK(\"http://x\")")
    from_standard(library["count"], compact)
    client.force_login(staff_user)
    content = client.get(f"{CSV_URL}?{YEARS}").content.decode()
    assert "'=HYPERLINK" in content


def test_the_header_links_to_the_page(client, staff_user):
    client.force_login(staff_user)
    content = client.get("/").content.decode()
    assert f'href="{URL}"' in content


def test_queries_do_not_grow_with_rows(client, staff_user, library, ghana, peru):
    """A page and the CSV read the same number of queries for 2 and for 12 compacts."""

    def build(country, n):
        for _ in range(n):
            compact = CompactFactory(country=country)
            for standard in library.values():
                indicator = from_standard(standard, compact)
                TargetFactory(indicator=indicator, fiscal_year=2023, value=Decimal("1"))
                ResultFactory(indicator=indicator, fiscal_year=2023, value=Decimal("1"))

    client.force_login(staff_user)
    build(ghana, 2)
    page(client)  # warm up: the user's roles are cached on first use
    with CaptureQueriesContext(connection) as small_page:
        page(client)
    with CaptureQueriesContext(connection) as small_csv:
        csv_rows(client)
    build(peru, 10)
    with CaptureQueriesContext(connection) as large_page:
        response = page(client)
    with CaptureQueriesContext(connection) as large_csv:
        rows = csv_rows(client)
    assert len(rows) == 12 * 4
    assert sum(len(r) for _s, r in response.context["groups"]) == min(PAGE_SIZE, 48)
    assert len(large_page.captured_queries) == len(small_page.captured_queries)
    assert len(large_csv.captured_queries) == len(small_csv.captured_queries)
