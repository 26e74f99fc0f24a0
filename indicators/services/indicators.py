"""Writes to a compact's indicators: creating one (from the standard library or its own),
changing it (its tracked years among others), and why one may not be deleted."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compacts.models import Compact
from compacts.year_locks import ensure_years_open
from cpc.access import scoping
from cpc.fiscal import fiscal_year_bounds
from cpc.services import StateConflict, lock, validated_save, validated_update

from ..models import Indicator, StandardIndicator
from .common import CHANGE_REASON_MAX_LENGTH, ERR_NOT_YOUR_COUNTRY

ERR_UNIT_LOCKED = _("The unit cannot change once the indicator has targets or results.")
ERR_TARGETS_OUTSIDE_YEARS = _("The indicator has targets for {years}, outside these years.")
ERR_TRACKING_REASON_REQUIRED = (
    _("Say why the indicator stops being tracked in {years}, a year already under way or over "
    "(the reason is kept in its history)."))
ERR_DELETE_KEY_INDICATOR = (
    _("{code} is a key indicator of the {years} dialogue: it is part of that dialogue's record "
    "and cannot be deleted."))
ERR_TRACKING_KEY_INDICATOR = (
    _("{code} is a key indicator of the {years} dialogue and cannot stop being tracked in "
    "that year."))
STANDARD_FIELDS = ("code", "name", "definition", "name_es", "name_fr", "definition_es",
                   "definition_fr", "pillar", "unit", "direction", "cumulation")

@transaction.atomic
def indicator_create(
    *, user, compact: Compact, standard: StandardIndicator | None = None, **fields: Any
) -> Indicator:
    """Create an indicator; from a standard one, its code, name, unit etc. are copied unless
    given here. Whoever changes the compact's country may (TIP staff anywhere, an embassy
    officer in their own countries): anyone else is refused."""
    if not scoping.can_change_country(user, compact.country_id):
        raise PermissionDenied(ERR_NOT_YOUR_COUNTRY)
    data: dict[str, Any] = {}
    if standard is not None:
        data = {name: getattr(standard, name) for name in STANDARD_FIELDS}
    awards = fields.pop("awards", None)
    data.update(fields)
    indicator = validated_save(Indicator(compact=compact, standard=standard), data)
    if awards is not None:
        indicator.awards.set(awards)  # awards of another compact are refused (models)
    return indicator


def _years_text(years: Iterable[int]) -> str:
    return ", ".join(f"FY{year}" for year in sorted(years))


def _check_tracking_change(indicator: Indicator, data: Mapping[str, Any],
                           change_reason: str) -> None:
    """Check 3 counts the indicators tracked in a year: dropping one from a year already
    under way (or over) is a change of that year's record. It needs a reason, which its
    history keeps; a key indicator of that year's dialogue is never dropped from it."""
    if not {"first_fiscal_year", "last_fiscal_year"} & set(data):
        return
    before = set(indicator.fiscal_years())
    after_first = data.get("first_fiscal_year", indicator.first_fiscal_year)
    after_last = data.get("last_fiscal_year", indicator.last_fiscal_year)
    after = {year for year in before
             if (after_first is None or after_first <= year)
             and (after_last is None or year <= after_last)}
    started = {year for year in before - after
               if fiscal_year_bounds(year)[0] <= timezone.localdate()}
    if not started:
        return
    field = ("last_fiscal_year" if after_last is not None and max(started) > after_last
             else "first_fiscal_year")
    # Dialogues sit above indicators: reached through the relation, never imported.
    keyed = set(indicator.key_for_dialogues.filter(fiscal_year__in=started)
                .values_list("fiscal_year", flat=True))
    if keyed:
        raise StateConflict(ERR_TRACKING_KEY_INDICATOR.format(code=indicator.code,
                                                              years=_years_text(keyed)))
    if not (change_reason or "").strip():
        raise ValidationError({field: [ERR_TRACKING_REASON_REQUIRED.format(
            years=_years_text(started))]})


def indicator_delete_refusal(*, indicator: Indicator) -> str | None:
    """Why the indicator may not be deleted, or None. Deleting it drops it from every year it
    is tracked in (check 3 counts those) and from the dialogues that chose it as a key
    indicator (checks 1 and 2): never a key indicator of a dialogue, and never while one of
    its years is locked. (Its targets, results and discussions protect it too.)"""
    keyed = set(indicator.key_for_dialogues.values_list("fiscal_year", flat=True))
    if keyed:
        return ERR_DELETE_KEY_INDICATOR.format(code=indicator.code, years=_years_text(keyed))
    try:
        ensure_years_open(indicator.compact_id, indicator.fiscal_years())
    except StateConflict as locked:
        return locked.message
    return None


@transaction.atomic
def indicator_update(*, indicator: Indicator, data: Mapping[str, Any], user=None,
                     change_reason: str = "") -> Indicator:
    indicator = lock(indicator)
    data = dict(data)
    ensure_years_open(indicator.compact_id, indicator.tracking_change(
        data.get("first_fiscal_year", indicator.first_fiscal_year),
        data.get("last_fiscal_year", indicator.last_fiscal_year)))
    _check_tracking_change(indicator, data, change_reason)
    if change_reason:
        indicator._change_reason = change_reason.strip()[:CHANGE_REASON_MAX_LENGTH]
    if user is not None:
        indicator._history_user = user
    awards = data.pop("awards", None)
    unit = data.get("unit")
    if (
        unit is not None
        and unit != indicator.unit
        and (indicator.targets.exists() or indicator.results.exists())
    ):
        raise ValidationError({"unit": [ERR_UNIT_LOCKED]})
    indicator = validated_update(indicator, data)
    if {"first_fiscal_year", "last_fiscal_year"} & set(data):
        # Narrowing the years must not leave targets behind (check 3 reads only the years the
        # indicator is tracked; a stranded target would be kept but never count).
        outside = sorted(year for year in indicator.targets.values_list("fiscal_year", flat=True)
                         if not indicator.is_tracked_in(year))
        if outside:
            field = ("first_fiscal_year" if indicator.first_fiscal_year
                     and outside[0] < indicator.first_fiscal_year else "last_fiscal_year")
            years = ", ".join(f"FY{year}" for year in outside)
            raise ValidationError({field: [ERR_TARGETS_OUTSIDE_YEARS.format(years=years)]})
    if awards is not None:
        indicator.awards.set(awards)  # awards of another compact are refused (models)
    return indicator
