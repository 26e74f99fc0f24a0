"""Check 5: partner-government contributions of the year, tracked and verified."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from contributions.models import Contribution, verified_by_a_second_person
from cpc.wording import Money, Wording

from .common import (
    MET,
    NOT_MET,
    Check,
    verdict,
)


@dataclass(frozen=True)
class ContributionFacts:
    """What a compact's partner contributions of one fiscal year hold, for check 5.

    A contribution *counts* when its U.S. dollar value (``amount_usd``; for personnel and
    in-kind contributions, their estimated value) is at least ``settings.CHECK5_MIN_USD``,
    it has evidence attached, and it was verified by TIP staff other than the person who
    recorded it or last changed its figures or evidence (four eyes)."""

    recorded: int = 0
    zero_value: int = 0
    without_evidence: int = 0
    not_verified: int = 0
    counted: int = 0
    counted_usd: Decimal = Decimal("0.00")
    below_threshold: int = 0
    self_verified: int = 0
    threshold_usd: int = 0


NO_CONTRIBUTIONS = ContributionFacts()


def contribution_facts(compact_ids, fiscal_year) -> dict[int, ContributionFacts]:
    """Check 5's facts per compact, in one query. Reports read them too, so that anything
    printed beside the check (a partner-budget status) comes from the same facts."""
    threshold = Decimal(settings.CHECK5_MIN_USD)
    tallies: dict[int, dict] = {}
    rows = (Contribution.objects.filter(compact__in=compact_ids, fiscal_year=fiscal_year)
            .order_by().values_list("compact_id", "amount_usd", "amount_local",
                                    "personnel_count", "evidence", "verified",
                                    "verified_by_id", "recorded_by_id", "value_changed_by_id"))
    for (compact_id, usd, local, personnel, evidence, verified, verifier, recorder,
         changer) in rows:
        tally = tallies.setdefault(compact_id, dict.fromkeys(
            ("recorded", "zero_value", "without_evidence", "not_verified", "counted",
             "below_threshold", "self_verified"), 0)
            | {"counted_usd": Decimal("0.00"), "threshold_usd": settings.CHECK5_MIN_USD})
        has_value = (usd or 0) > 0 or (local or 0) > 0 or (personnel or 0) > 0
        material = (usd or 0) >= threshold
        own = verified and not verified_by_a_second_person(
            verified=verified, verifier_id=verifier, recorder_id=recorder, changer_id=changer)
        tally["recorded"] += 1
        tally["zero_value"] += not has_value
        tally["below_threshold"] += has_value and not material
        tally["without_evidence"] += not evidence
        tally["not_verified"] += not verified
        tally["self_verified"] += own
        if has_value and material and evidence and verified and not own:
            tally["counted"] += 1
            tally["counted_usd"] += usd or 0
    return {pk: ContributionFacts(**tally) for pk, tally in tallies.items()}


def check_contributions(facts: ContributionFacts, fiscal_year) -> Check:
    """GAO recommendation 5: met when at least one contribution of the year is worth at
    least CHECK5_MIN_USD in U.S. dollars, has evidence and was verified by TIP staff other
    than whoever entered or last changed it; zero-value records never count."""
    if not facts.recorded:
        return verdict(5, NOT_MET, Wording(
            _("No partner contribution is recorded for FY{year}."), year=fiscal_year))
    threshold = Money(facts.threshold_usd)
    recorded = Wording(ngettext_lazy("{count} contribution recorded for FY{year}",
                                     "{count} contributions recorded for FY{year}",
                                     facts.recorded), count=facts.recorded, year=fiscal_year)
    if facts.counted:
        return verdict(5, MET, Wording(
            _("{recorded}; {counted} worth at least {threshold} with evidence and verification "
              "by a second person ({amount})."), recorded=recorded, counted=facts.counted,
            threshold=threshold, amount=Money(facts.counted_usd, 2)))
    lacks = [Wording(what, count=n) for n, what in (
        (facts.without_evidence, _("{count} without evidence")),
        (facts.not_verified, _("{count} not verified")),
        (facts.self_verified, _("{count} verified by the person who entered or last changed "
                                "it")),
        (facts.zero_value, _("{count} of zero value")),
    ) if n]
    if facts.below_threshold:
        lacks.append(Wording(_("{count} below {threshold}"), count=facts.below_threshold,
                             threshold=threshold))
    return verdict(5, NOT_MET, Wording(
        _("{recorded}, none worth at least {threshold} with evidence and verification by a "
          "second person: {lacks}."), recorded=recorded, threshold=threshold, lacks=lacks))
