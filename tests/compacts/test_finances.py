"""The finance figures' one module (compacts.finances): totals, derived figures, the flag of
awards open after their compact's end, and list annotations agreeing with the one-compact
reading."""

import datetime as dt
from decimal import Decimal

import pytest

from compacts import finances
from compacts.models import Compact

from .factories import AwardFactory, AwardFinanceFactory, CompactFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_derived_figures():
    assert finances.unspent(D("100"), D("40")) == D("60")
    assert finances.burn_rate(D("40"), D("100")) == D("0.4000")
    assert finances.burn_rate(D("40"), D("0")) is None


def _ended_compact():
    compact = CompactFactory(start_date=dt.date(2018, 10, 1), signed_on=dt.date(2018, 10, 1),
                             end_date=dt.date(2022, 9, 30), status="closed")
    closed = AwardFactory(compact=compact, amount_usd=D("1000"))
    still_open = AwardFactory(compact=compact, amount_usd=D("2000"))
    AwardFinanceFactory(award=closed, fiscal_year=2020, obligated_usd=D("1000"),
                        disbursed_usd=D("1000"), spent_usd=D("1000"))
    AwardFinanceFactory(award=still_open, fiscal_year=2021, obligated_usd=D("1500"),
                        disbursed_usd=D("900"), spent_usd=D("600"))
    AwardFinanceFactory(award=still_open, fiscal_year=2022, obligated_usd=D("500"),
                        disbursed_usd=D("500"), spent_usd=D("400"))
    return compact, closed, still_open


def test_compact_finances_totals_and_flags():
    compact, _closed, still_open = _ended_compact()
    money = finances.compact_finances(compact, today=dt.date(2024, 1, 1))
    assert (money.awarded, money.totals.obligated, money.totals.disbursed,
            money.totals.spent) == (D("3000"), D("3000"), D("2400"), D("2000"))
    assert money.totals.unspent == D("1000")
    assert money.totals.burn_rate_percent == D("66.7")
    assert [a.award for a in money.open_after_end] == [still_open]
    assert sorted(money.years) == [2020, 2021, 2022]
    # Before the compact ends nothing is flagged.
    assert finances.compact_finances(compact, today=dt.date(2022, 1, 1)).open_after_end == []


def test_annotations_agree_with_one_compact(django_assert_num_queries):
    compact, _, still_open = _ended_compact()
    CompactFactory()  # no awards: zeros, no flag
    today = dt.date(2024, 1, 1)
    with django_assert_num_queries(1):
        rows = list(finances.with_compact_finances(Compact.objects.order_by("pk"), today=today))
    one = finances.compact_finances(compact, today=today)
    assert (rows[0].obligated_total, rows[0].disbursed_total, rows[0].spent_total,
            rows[0].unspent_total) == (one.totals.obligated, one.totals.disbursed,
                                       one.totals.spent, one.totals.unspent)
    assert rows[0].open_after_end_count == 1
    assert (rows[1].obligated_total, rows[1].open_after_end_count) == (D("0"), 0)
    assert list(finances.open_after_end_awards(compact.awards.all(), today=today)) == [
        still_open]
    years = finances.compact_year_totals(Compact.objects.all())[compact.pk]
    assert years[2021].spent == D("600") and years[2022].obligated == D("500")
