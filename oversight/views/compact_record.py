"""What the compact page shows of the compact's own record: why this country (tiers by
report year, selection factors) and its evaluations."""

from compacts.selection import selection_rows
from cpc.access import scoping
from indicators.evaluation_selectors import evaluation_list


def compact_record_context(compact, user) -> dict:
    """``compact`` comes from ``compact_detail`` (its selection factors prefetched)."""
    rows = selection_rows(compact.selection_factors.all())
    evaluations = list(evaluation_list(user=user).filter(compact=compact))
    return {
        "selection_rows": rows,
        "selection_has_sample": any(row.record and row.record.is_sample for row in rows),
        "can_edit_selection": scoping.is_tip_staff(user),
        "evaluations": evaluations,
        "evaluations_have_sample": any(evaluation.is_sample for evaluation in evaluations),
        "can_edit_evaluations": scoping.is_tip_staff(user),
    }
