"""The one home of an award's and a compact's financial figures (one number everywhere).

Every page, report, CSV, API answer and IATI file that shows what was obligated, disbursed
or spent, the unspent balance, the burn rate or the awards still open after their compact
ended reads it from here:

- :func:`compact_finances` for one compact (totals, per award, per fiscal year, flags);
- :func:`with_compact_finances` and :func:`with_award_finances` annotate a list of compacts
  or awards in subqueries, so a list costs no query per row;
- :func:`year_rows` and :func:`rows_by_award` give the per-award, per-fiscal-year rows of
  many awards in one query (what the IATI file writes as disbursements, expenditures and
  budgets);
- :func:`compact_year_totals` gives each compact's totals per fiscal year in one query;
- :func:`unspent` and :func:`burn_rate` are the two derived figures' only formulas.

Figures are the financial system's own per fiscal year (not cumulative). The unspent balance
is obligated minus spent: money committed to the implementer and not yet used. The burn rate
is spent divided by obligated (none while nothing is obligated). An award is *open after the
compact's end* when the compact's term, extensions included, has ended and the award still
holds an unspent balance: it has not been closed out.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import Award, AwardFinance, Compact

ZERO = Decimal("0.00")
FIGURES = ("obligated", "disbursed", "spent")
_MONEY = models.DecimalField(max_digits=16, decimal_places=2)


def unspent(obligated: Decimal, spent: Decimal) -> Decimal:
    """Obligated minus spent: what the implementer holds and has not used."""
    return obligated - spent


def burn_rate(spent: Decimal, obligated: Decimal) -> Decimal | None:
    """Spent as a share of obligated (0.25 is a quarter), or None while nothing is
    obligated."""
    if not obligated:
        return None
    return (spent / obligated).quantize(Decimal("0.0001"))


@dataclass
class Figures:
    """Obligated, disbursed and spent, with the two figures derived from them."""

    obligated: Decimal = ZERO
    disbursed: Decimal = ZERO
    spent: Decimal = ZERO
    includes_sample: bool = False

    @property
    def unspent(self) -> Decimal:
        return unspent(self.obligated, self.spent)

    @property
    def burn_rate(self) -> Decimal | None:
        return burn_rate(self.spent, self.obligated)

    @property
    def burn_rate_percent(self) -> Decimal | None:
        rate = self.burn_rate
        return None if rate is None else (rate * 100).quantize(Decimal("0.1"))

    def add(self, row: AwardFinance) -> None:
        self.obligated += row.obligated_usd
        self.disbursed += row.disbursed_usd
        self.spent += row.spent_usd
        self.includes_sample = self.includes_sample or row.is_sample


@dataclass
class AwardFigures:
    award: Award
    totals: Figures
    years: list[AwardFinance]
    open_after_end: bool


@dataclass
class CompactFinances:
    """One compact's money: the ceiling at signing, awarded, and what the awards' finances
    add up to, per award and per fiscal year."""

    compact: Compact
    ceiling: Decimal | None
    awarded: Decimal
    awarded_includes_sample: bool
    totals: Figures
    awards: list[AwardFigures]
    years: dict[int, Figures] = field(default_factory=dict)
    ended: bool = False

    @property
    def open_after_end(self) -> list[AwardFigures]:
        return [a for a in self.awards if a.open_after_end]

    @property
    def has_figures(self) -> bool:
        return any(a.years for a in self.awards)


def compact_ended(compact: Compact, today: dt.date) -> bool:
    """Whether the compact's term, extensions included, ended before ``today``."""
    end = compact.current_end_date
    return end is not None and end < today


def is_open_after_end(totals: Figures, *, ended: bool) -> bool:
    """The one rule of the flag: the compact has ended and the award still holds an unspent
    balance."""
    return ended and totals.unspent > 0


def compact_finances(compact: Compact, *, today: dt.date,
                     through_year: int | None = None) -> CompactFinances:
    """Everything the compact page, its report section and its CSV show, in two queries
    (``through_year``: no figure of a later fiscal year, as a report of that year)."""
    awards = list(Award.objects.filter(compact=compact).select_related("implementer")
                  .order_by("start_date", "award_number"))
    return finances_from(compact, awards, rows_by_award([a.pk for a in awards]), today=today,
                         through_year=through_year)


def finances_from(compact: Compact, awards: list[Award], rows: dict[int, list[AwardFinance]],
                  *, today: dt.date, through_year: int | None = None) -> CompactFinances:
    """:func:`compact_finances` from awards and rows already read (a report reads those of
    all its compacts at once, :func:`rows_by_award`)."""
    ended = compact_ended(compact, today)
    totals, kept, per_award = Figures(), [], []
    for award in awards:
        award_totals, award_rows = Figures(), [
            r for r in rows.get(award.pk, [])
            if through_year is None or r.fiscal_year <= through_year]
        for row in award_rows:
            award_totals.add(row)
            totals.add(row)
        kept += award_rows
        per_award.append(AwardFigures(
            award=award, totals=award_totals, years=award_rows,
            open_after_end=is_open_after_end(award_totals, ended=ended)))
    return CompactFinances(
        compact=compact, ceiling=compact.us_funding_usd,
        awarded=sum((a.amount_usd for a in awards), start=ZERO),
        awarded_includes_sample=any(a.is_sample for a in awards),
        totals=totals, awards=per_award, years=years_of(kept), ended=ended)


def years_of(rows) -> dict[int, Figures]:
    """The totals per fiscal year of finance rows already read (of one award or several),
    in year order."""
    years: dict[int, Figures] = {}
    for row in rows:
        years.setdefault(row.fiscal_year, Figures()).add(row)
    return dict(sorted(years.items()))


def year_rows(awards=None):
    """The per-award, per-fiscal-year rows (of ``awards``, a queryset or ids, when given),
    ordered by award and year."""
    rows = AwardFinance.objects.all()
    if awards is not None:
        rows = rows.filter(award__in=awards)
    return rows.order_by("award_id", "fiscal_year")


def rows_by_award(awards) -> dict[int, list[AwardFinance]]:
    """``year_rows`` of ``awards`` grouped by award id, in one query."""
    grouped: dict[int, list[AwardFinance]] = defaultdict(list)
    for row in year_rows(awards):
        grouped[row.award_id].append(row)
    return dict(grouped)


def compact_year_totals(compacts) -> dict[int, dict[int, Figures]]:
    """Each compact's totals per fiscal year ({compact id: {fiscal year: Figures}}), in one
    query."""
    result: dict[int, dict[int, Figures]] = defaultdict(dict)
    rows = (AwardFinance.objects.filter(award__compact__in=compacts)
            .values("award__compact_id", "fiscal_year").order_by()
            .annotate(obligated=Sum("obligated_usd"), disbursed=Sum("disbursed_usd"),
                      spent=Sum("spent_usd"),
                      sample=models.Max(models.functions.Cast("is_sample",
                                                              models.IntegerField()))))
    for row in rows:
        result[row["award__compact_id"]][row["fiscal_year"]] = Figures(
            obligated=row["obligated"], disbursed=row["disbursed"], spent=row["spent"],
            includes_sample=bool(row["sample"]))
    return {pk: dict(sorted(years.items())) for pk, years in result.items()}


def _sum(filter_key: str, figure: str):
    total = (AwardFinance.objects.filter(**{filter_key: OuterRef("pk")}).order_by()
             .values(filter_key).annotate(total=Sum(f"{figure}_usd")).values("total"))
    return Coalesce(Subquery(total, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def with_award_finances(awards):
    """Annotate awards with ``obligated_total``, ``disbursed_total``, ``spent_total``,
    ``unspent_total`` and ``finances_include_sample``, in subqueries."""
    awards = awards.annotate(**{f"{name}_total": _sum("award", name) for name in FIGURES})
    return awards.annotate(
        unspent_total=F("obligated_total") - F("spent_total"),
        finances_include_sample=Exists(
            AwardFinance.objects.filter(award=OuterRef("pk"), is_sample=True)))


def with_compact_finances(compacts, *, today: dt.date):
    """Annotate compacts with ``obligated_total``, ``disbursed_total``, ``spent_total``,
    ``unspent_total``, ``finances_include_sample`` and ``open_after_end_count`` (awards open
    after the compact's end), in subqueries: a list costs no query per compact."""
    if "current_end" not in compacts.query.annotations:
        compacts = compacts.with_current_end()
    compacts = compacts.annotate(
        **{f"{name}_total": _sum("award__compact", name) for name in FIGURES})
    unspent_awards = (with_award_finances(Award.objects.filter(compact=OuterRef("pk")))
                      .filter(unspent_total__gt=0).order_by().values("compact")
                      .annotate(n=models.Count("pk")).values("n"))
    ended = Q(current_end__lt=today)
    return compacts.annotate(
        unspent_total=F("obligated_total") - F("spent_total"),
        finances_include_sample=Exists(
            AwardFinance.objects.filter(award__compact=OuterRef("pk"), is_sample=True)),
        open_after_end_count=models.Case(
            models.When(ended, then=Coalesce(Subquery(unspent_awards), Value(0))),
            default=Value(0), output_field=models.IntegerField()),
    )


def open_after_end_awards(awards, *, today: dt.date):
    """Of ``awards`` (a queryset), those open after their compact's end, as a queryset."""
    awards = with_award_finances(awards.annotate(
        compact_end=Compact.objects.filter(pk=OuterRef("compact_id"))
        .with_current_end().values("current_end")[:1]))
    return awards.filter(compact_end__lt=today, unspent_total__gt=0)


def panel(compact: Compact, *, user, today: dt.date) -> dict:
    """What the compact page's finance panel shows (templates/compacts/_finances_panel.html)."""
    from cpc.access import scoping

    return {"money": compact_finances(compact, today=today),
            "can_record": scoping.is_tip_staff(user)}
