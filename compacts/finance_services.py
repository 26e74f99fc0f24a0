"""Every write of an award's finances (compacts.models.AwardFinance): one fiscal year through
the API, an award's years from its edit page, a compact's financial-system export.

TIP Office staff alone write them; every write locks the award, so two writers of the same
award follow one another, and checks the award's rows as they will stand once written (the
rules a finance officer expects of a grant's books):

- a row's fiscal year falls in the award's term, or is the year after it ends: the close-out
  year, when the last expenditures are reported and the unspent balance is de-obligated;
- obligations in all years add up to no more than the award's amount;
- by the end of each fiscal year, what was disbursed in total and what was spent in total are
  no more than what was obligated in total (money cannot leave before it is committed;
  spending may run ahead of disbursements, which reimburse it later);
- the as-of date is not before the fiscal year begins nor after today.

Fiscal-year locks (compacts.year_locks) do not apply: the financial system revises a year's
figures after the year ends and after the compact ends, until every award is closed out; the
history keeps every earlier value, with who recorded it and the source's reference and date.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpc.access import scoping
from cpc.access.permissions import ERR_READ_ONLY_ROLE
from cpc.fiscal import fiscal_year_bounds, fiscal_year_of
from cpc.services import StateConflict, field_values, lock

from .models import Award, AwardFinance

FIGURE_FIELDS = ("obligated_usd", "disbursed_usd", "spent_usd")
WRITABLE_FIELDS = (*FIGURE_FIELDS, "source_reference", "as_of")

ERR_YEAR_OUTSIDE_TERM = _("FY{year} is outside the award's term: enter FY{first} to FY{last} "
                          "(the year after the award ends is its close-out year).")
ERR_OBLIGATED_OVER_AWARD = _("Obligations would total {total} USD, more than the award's "
                             "{amount} USD.")
ERR_DISBURSED_OVER_OBLIGATED = _("By the end of FY{year}, disbursements would total {total} "
                                 "USD, more than the {obligated} USD obligated by then.")
ERR_SPENT_OVER_OBLIGATED = _("By the end of FY{year}, expenditures would total {total} USD, "
                             "more than the {obligated} USD obligated by then.")
ERR_AS_OF_BEFORE_YEAR = _("The figures cannot be as of a day before FY{year} began ({day}).")
ERR_AS_OF_FUTURE = _("The figures cannot be as of a day after today.")


class FinancesChanged(StateConflict):
    """The award's finances changed since the client read them (its version differs)."""

    def __init__(self):
        super().__init__(str(_("The award's finances changed since you read them: someone "
                               "else saved them meanwhile. Read them again and make your "
                               "change to what is there now.")))


def require_tip_staff(user) -> None:
    if not scoping.is_tip_staff(user):
        raise PermissionDenied(ERR_READ_ONLY_ROLE)


def fiscal_year_range(award: Award) -> tuple[int, int]:
    """The fiscal years an award may hold figures for: its term and its close-out year."""
    return fiscal_year_of(award.start_date), fiscal_year_of(award.end_date) + 1


def finances_version(award: Award) -> str:
    """A hash of the award's finance rows as stored: what a page or an API client read."""
    rows = [field_values(row) for row in
            AwardFinance.objects.filter(award_id=award.pk).order_by("fiscal_year")]
    payload = json.dumps(rows, cls=DjangoJSONEncoder, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def award_rule_errors(award: Award, rows: Iterable[AwardFinance], *,
                      today: dt.date) -> list[tuple[int, str, str]]:
    """(fiscal year, field, message) for every rule the award's rows, as they would stand,
    break; the year is that of the row to correct."""
    rows = sorted(rows, key=lambda r: r.fiscal_year)
    first, last = fiscal_year_range(award)
    errors = []
    for row in rows:
        if not first <= row.fiscal_year <= last:
            errors.append((row.fiscal_year, "fiscal_year", str(ERR_YEAR_OUTSIDE_TERM).format(
                year=row.fiscal_year, first=first, last=last)))
        if row.as_of:
            begins = fiscal_year_bounds(row.fiscal_year)[0]
            if row.as_of < begins:
                errors.append((row.fiscal_year, "as_of", str(ERR_AS_OF_BEFORE_YEAR).format(
                    year=row.fiscal_year, day=begins.isoformat())))
            elif row.as_of > today:
                errors.append((row.fiscal_year, "as_of", str(ERR_AS_OF_FUTURE)))
    errors.extend(_cumulative_errors(award, rows))
    return errors


def _cumulative_errors(award: Award, rows: list[AwardFinance]) -> list[tuple[int, str, str]]:
    errors = []
    obligated = disbursed = spent = 0
    for row in rows:
        obligated += row.obligated_usd
        disbursed += row.disbursed_usd
        spent += row.spent_usd
        if disbursed > obligated:
            errors.append((row.fiscal_year, "disbursed_usd", str(
                ERR_DISBURSED_OVER_OBLIGATED).format(year=row.fiscal_year, total=disbursed,
                                                     obligated=obligated)))
        if spent > obligated:
            errors.append((row.fiscal_year, "spent_usd", str(ERR_SPENT_OVER_OBLIGATED).format(
                year=row.fiscal_year, total=spent, obligated=obligated)))
    if rows and obligated > award.amount_usd:
        errors.append((rows[-1].fiscal_year, "obligated_usd", str(
            ERR_OBLIGATED_OVER_AWARD).format(total=obligated, amount=award.amount_usd)))
    return errors


def prepare_rows(award: Award, changes: Iterable[Mapping[str, Any]], *,
                 user) -> tuple[list[AwardFinance], list[AwardFinance]]:
    """The award's rows as they would stand with ``changes`` (each a fiscal year's fields)
    applied, unsaved, and the subset that changes. Field rules are checked by the caller."""
    by_year = {row.fiscal_year: row for row in AwardFinance.objects.filter(award=award)}
    changed = []
    for change in changes:
        year = change["fiscal_year"]
        row = by_year.get(year) or AwardFinance(award=award, fiscal_year=year)
        for field in WRITABLE_FIELDS:
            if field in change:
                setattr(row, field, change[field])
        row.source_reference = row.source_reference or ""
        row.recorded_by, row.recorded_at = user, timezone.now()
        by_year[year] = row
        changed.append(row)
    return list(by_year.values()), changed


def _errors_by_field(errors, year: int | None = None) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for error_year, field, message in errors:
        if year is None or error_year == year:
            result.setdefault(field, []).append(message)
    return result


def _full_clean(row: AwardFinance) -> None:
    # The unique (award, year) rule is ours to keep: one row a year is updated in place.
    row.full_clean(exclude=["award"], validate_unique=False, validate_constraints=False)


@transaction.atomic
def award_finances_save(*, user, award: Award, rows: Iterable[Mapping[str, Any]],
                        version: str | None = None) -> list[AwardFinance]:
    """Create or update the award's figures for each fiscal year in ``rows`` (all or none).
    ``version`` (from :func:`finances_version`), when given, must still be current."""
    require_tip_staff(user)
    award = lock(award)
    if version and finances_version(award) != version:
        raise FinancesChanged()
    every, changed = prepare_rows(award, rows, user=user)
    field_errors: dict[str, list[str]] = {}
    for row in changed:
        try:
            _full_clean(row)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                field_errors.setdefault(field, []).extend(messages)
    if field_errors:
        raise ValidationError(field_errors)
    rule_errors = award_rule_errors(award, every, today=timezone.localdate())
    if rule_errors:
        raise ValidationError(_errors_by_field(rule_errors))
    for row in changed:
        row.save()
    return changed


def award_finance_save(*, user, award: Award, fiscal_year: int, data: Mapping[str, Any],
                       version: str | None = None) -> tuple[AwardFinance, bool]:
    """Create or replace one fiscal year's figures; ``(row, created)``."""
    created = not AwardFinance.objects.filter(award=award, fiscal_year=fiscal_year).exists()
    [row] = award_finances_save(user=user, award=award, version=version,
                                rows=[{**data, "fiscal_year": fiscal_year}])
    return row, created


@transaction.atomic
def finances_import_save(*, user, rows_by_award: Mapping[Award, list[dict]]) -> int:
    """Save validated import rows (compacts.finance_import), every award locked, all or none.
    Raises ValidationError when a rule no longer holds (a change since the preview)."""
    require_tip_staff(user)
    saved = 0
    for award in sorted(rows_by_award, key=lambda a: a.pk):
        saved += len(award_finances_save(user=user, award=award, rows=rows_by_award[award]))
    return saved
