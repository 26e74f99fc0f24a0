"""The report's partner pledges: pledged against recorded and verified by fiscal year, for
every compact of the report in one query (the pledges), with the recorded figures the
funding table already read (``CompactSection.funding``), compared by the one function the
contributions page and the API use (``contributions.pledges``)."""

from collections import defaultdict
from dataclasses import dataclass

from compacts.models import PartnerPledge
from contributions.pledges import (
    PledgeYear,
    pledge_total,
    pledged_against_recorded,
    recorded_from_funding,
)

from .sections import CompactSection


@dataclass(frozen=True)
class PledgeSection:
    years: list[PledgeYear]  # the rows the report prints
    total: PledgeYear  # every year to the report's year
    pledged: bool  # whether the partner government pledged anything up to that year


def pledge_sections(sections: list[CompactSection], fiscal_year: int, *,
                    year_only: bool) -> dict[int, PledgeSection]:
    """By compact id. ``year_only`` (the program report) prints the report's year only, as
    its funding table does; the total covers every year to the report's year."""
    ids = [s.compact.pk for s in sections]
    pledges: dict[int, list[PartnerPledge]] = defaultdict(list)
    for pledge in PartnerPledge.objects.filter(compact_id__in=ids, fiscal_year__lte=fiscal_year
                                               ).order_by("fiscal_year", "kind", "pk"):
        pledges[pledge.compact_id].append(pledge)
    answer = {}
    for section in sections:
        years = pledged_against_recorded(pledges[section.compact.pk],
                                         recorded_from_funding(section.funding),
                                         until=fiscal_year)
        shown = [y for y in years if y.fiscal_year == fiscal_year] if year_only else years
        answer[section.compact.pk] = PledgeSection(shown, pledge_total(years),
                                                   bool(pledges[section.compact.pk]))
    return answer
