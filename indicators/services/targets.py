"""Writes to the targets of an indicator, one per fiscal year, each kept in its history with
who set it and why."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from compacts.year_locks import ensure_year_open, ensure_years_open
from cpc.services import lock, validated_save, validated_update

from .. import target_links
from ..models import Indicator, Target
from .common import CHANGE_REASON_MAX_LENGTH


def _history_note(target: Target, user, change_reason: str) -> Target:
    """Who and why, kept in the target's history (the request's user otherwise)."""
    if user is not None:
        target._history_user = user
    if change_reason:
        target._change_reason = change_reason[:CHANGE_REASON_MAX_LENGTH]
    return target


@transaction.atomic
def target_create(
    *, indicator: Indicator, fiscal_year: int, value: Decimal, user=None,
    change_reason: str = "",
) -> Target:
    ensure_year_open(indicator.compact_id, fiscal_year)
    target = _history_note(Target(indicator=indicator), user, change_reason)
    return validated_save(target, {"fiscal_year": fiscal_year, "value": value})


@transaction.atomic
def target_update(*, target: Target, data: Mapping[str, Any], user=None,
                  change_reason: str = "") -> Target:
    target = lock(target)
    ensure_years_open(target.indicator.compact_id,
                      {target.fiscal_year, data.get("fiscal_year", target.fiscal_year)})
    return validated_update(_history_note(target, user, change_reason), data)


@transaction.atomic
def target_save(*, user, target: Target | None, data: Mapping[str, Any],
                links: Mapping[str, Any]) -> Target:
    """``/api/v1/targets/``: create (``target`` None) or change a target and, in the same
    transaction, the fields apps above keep about it (``indicators.target_links``, e.g. the
    dialogue at which it was agreed), so a refused link leaves the target as it was."""
    target = (target_create(**data) if target is None
              else target_update(target=target, data=data))
    for link in target_links.registered():
        if link.name in links:
            link.save(user, target, links[link.name])
    return target
