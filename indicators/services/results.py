"""Writes to the results of an indicator: recording a fiscal year's figure, changing it, the
review that approves or returns it, and the source documents that back it.

The approval loop: a result recorded by TIP staff is approved at once; one recorded by an
embassy officer is ``submitted`` until staff approve it or return it with a note. Only
approved results count in progress (see ``progress.py``). Changing an approved result's
value needs a reason, which is kept in the result's history.
"""

import contextlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compacts.year_locks import ensure_year_open, ensure_years_open
from cpc.access import scoping
from cpc.services import StateConflict, lock, validated_save, validated_update

from .. import signals
from ..models import Disaggregation, Indicator, Result, ResultDocument, ResultStatus, Unit
from .common import CHANGE_REASON_MAX_LENGTH, ERR_NOT_YOUR_COUNTRY

ERR_NOT_YOUR_AWARD = (_("You may record results only for the indicators of your organisation's "
                      "awards."))
ERR_PERCENT_PARTS_REQUIRED = _("A percent indicator needs both a numerator and a denominator.")
ERR_PARTS_ONLY_FOR_PERCENT = _("Only percent indicators take a numerator and a denominator.")
ERR_DENOMINATOR_POSITIVE = _("The denominator must be greater than zero.")
ERR_VALUE_REQUIRED = _("Enter a value.")
ERR_DISAGGREGATIONS_SUM = _("The parts add up to {total}, not to the result's {expected} value.")
ERR_DISAGGREGATIONS_SUM_NUMERATOR = _(
    "The parts add up to {total}, not to the result's {expected} numerator.")
ERR_CHANGE_REASON_REQUIRED = _("Say why an approved result is changed.")
ERR_CHANGE_REASON_TOO_LONG = _("Keep the reason to {limit} characters.")
ERR_REVIEW_NOTE_REQUIRED = _("Say why the result is returned.")
ERR_ONLY_SUBMITTED = {
    "approved": _("Only a submitted result can be approved; this one is {status}."),
    "returned": _("Only a submitted result can be returned; this one is {status}."),
}
ERR_ONLY_STAFF_REVIEW = _("Only TIP staff approve or return results.")
ERR_APPROVE_OWN = _("Four eyes: you submitted this result or last changed its value, so "
                    "another TIP Office staff member must approve it.")
PERCENT_PLACES = Decimal("0.0001")


def _not_yours(user) -> str:
    return ERR_NOT_YOUR_AWARD if scoping.is_implementer(user) else ERR_NOT_YOUR_COUNTRY


def _check_can_record(user, indicator: Indicator) -> None:
    if not scoping.can_record_result(user, indicator):
        raise ValidationError({"indicator": [_not_yours(user)]})


def _percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (Decimal(numerator) / Decimal(denominator) * 100).quantize(PERCENT_PLACES)


def _set_value(result: Result, *, value, numerator, denominator) -> None:
    """Fill value / numerator / denominator by the unit's rules, or raise field errors."""
    if result.indicator.unit == Unit.PERCENT:
        errors = {}
        for name, part in (("numerator", numerator), ("denominator", denominator)):
            if part is None:
                errors[name] = [ERR_PERCENT_PARTS_REQUIRED]
        if denominator is not None and denominator <= 0:
            errors["denominator"] = [ERR_DENOMINATOR_POSITIVE]
        if errors:
            raise ValidationError(errors)
        result.numerator, result.denominator = numerator, denominator
        result.value = _percent(numerator, denominator)
        return
    errors = {}
    for name, part in (("numerator", numerator), ("denominator", denominator)):
        if part is not None:
            errors[name] = [ERR_PARTS_ONLY_FOR_PERCENT]
    if value is None:
        errors["value"] = [ERR_VALUE_REQUIRED]
    if errors:
        raise ValidationError(errors)
    result.value, result.numerator, result.denominator = value, None, None


def _disaggregation_total_field(result: Result) -> tuple[Decimal, str]:
    # For a percent indicator the parts are children, so they add up to the numerator.
    if result.indicator.unit == Unit.PERCENT:
        return result.numerator, ERR_DISAGGREGATIONS_SUM_NUMERATOR
    return result.value, ERR_DISAGGREGATIONS_SUM


def _replace_disaggregations(result: Result, parts: Iterable[Mapping[str, Any]]) -> None:
    result.disaggregations.all().delete()
    for part in parts:
        disaggregation = Disaggregation(
            result=result, sex=part.get("sex"), age_group=part.get("age_group"),
            value=part.get("value"),
        )
        try:
            disaggregation.full_clean()
        except ValidationError as error:
            raise ValidationError({"disaggregations": error.messages}) from error
        disaggregation.save()


def _check_disaggregations_add_up(result: Result) -> None:
    parts = list(result.disaggregations.all())
    if not parts:
        return
    total = sum((p.value for p in parts), Decimal("0"))
    expected, message = _disaggregation_total_field(result)
    if total != expected:
        raise ValidationError(
            {"disaggregations": [message.format(
                total=format(total.normalize(), "f"), expected=format(expected.normalize(), "f"))]}
        )


@transaction.atomic
def result_record(
    *,
    user,
    indicator: Indicator,
    fiscal_year: int,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    disaggregations: Iterable[Mapping[str, Any]] = (),
    source: str = "",
) -> Result:
    """Record a fiscal year's result. Staff results are approved at once; officers' results
    are submitted for review."""
    _check_can_record(user, indicator)
    ensure_year_open(indicator.compact_id, fiscal_year)
    now = timezone.now()
    result = Result(indicator=indicator, fiscal_year=fiscal_year, source=source,
                    reported_by=user, reported_at=now, value_changed_by=user)
    _set_value(result, value=value, numerator=numerator, denominator=denominator)
    if scoping.is_tip_staff(user):
        result.status = ResultStatus.APPROVED
        result.reviewed_by, result.reviewed_at = user, now
    else:
        result.status = ResultStatus.SUBMITTED
    result.full_clean()
    result.save()
    _replace_disaggregations(result, disaggregations)
    _check_disaggregations_add_up(result)
    return result


def _parts(parts: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    """Disaggregations as comparable keys (``10`` and ``10.0000`` are one value)."""
    def key(part):
        value = part.get("value")
        with contextlib.suppress(ArithmeticError, ValueError):
            value = Decimal(str(value)).normalize()
        return str(part.get("sex")), str(part.get("age_group")), str(value)
    return sorted(key(part) for part in parts)


@transaction.atomic
def result_update(
    *,
    user,
    result: Result,
    data: Mapping[str, Any],
    disaggregations: Iterable[Mapping[str, Any]] | None = None,
    change_reason: str = "",
) -> Result:
    """Change a result: only the fields in ``data`` (and the parts, when given), on the
    result as it is now. An approved value changes only with a reason (kept in the history);
    an officer's edit that changes something sends the result back to review
    (``submitted``). An edit that changes nothing changes nothing, status included."""
    result = lock(result)
    _check_can_record(user, result.indicator)
    data = dict(data)
    ensure_years_open(result.indicator.compact_id,
                      {result.fiscal_year, data.get("fiscal_year", result.fiscal_year)})
    before = (result.value, result.numerator, result.denominator)
    _set_value(
        result,
        value=data.pop("value", result.value),
        numerator=data.pop("numerator", result.numerator),
        denominator=data.pop("denominator", result.denominator),
    )
    value_changed = (result.value, result.numerator, result.denominator) != before
    for name in ("fiscal_year", "source"):
        if name in data:
            setattr(result, name, data.pop(name))
    parts_changed = _parts_changed(result, disaggregations)
    changed = parts_changed or _figures_changed(result)
    # Any change to an approved result (its value, source, year or parts) needs a reason.
    change_reason = _change_reason(
        change_reason, required=result.status == ResultStatus.APPROVED and changed)
    if value_changed or parts_changed:
        result.value_changed_by = user
    if changed:
        _back_to_review(result, user=user)
    result = validated_update(result, change_reason=change_reason if changed else "")
    if parts_changed:
        _replace_disaggregations(result, disaggregations)
    _check_disaggregations_add_up(result)
    return result


def _parts_changed(result: Result,
                   disaggregations: Iterable[Mapping[str, Any]] | None) -> bool:
    """Whether ``disaggregations`` (None: not given) differ from the result's saved parts."""
    if disaggregations is None:
        return False
    return _parts(disaggregations) != _parts(
        {"sex": p.sex, "age_group": p.age_group, "value": p.value}
        for p in result.disaggregations.all())


def _figures_changed(result: Result) -> bool:
    """Whether the locked result's figures, year or source differ from what is saved."""
    return any(getattr(result, name) != result._values_when_locked[name]
               for name in ("value", "numerator", "denominator", "fiscal_year", "source"))


def _change_reason(change_reason: str | None, *, required: bool) -> str:
    """The reason of a change, stripped; required when an approved result changes."""
    change_reason = (change_reason or "").strip()
    if required and not change_reason:
        raise ValidationError({"change_reason": [ERR_CHANGE_REASON_REQUIRED]})
    if len(change_reason) > CHANGE_REASON_MAX_LENGTH:
        raise ValidationError(
            {"change_reason": [ERR_CHANGE_REASON_TOO_LONG.format(limit=CHANGE_REASON_MAX_LENGTH)]}
        )
    return change_reason


def _back_to_review(result: Result, *, user) -> None:
    """A changed result that is not TIP staff's own goes (back) to review as the user's."""
    if not scoping.is_tip_staff(user) and result.status != ResultStatus.SUBMITTED:
        result.status = ResultStatus.SUBMITTED
        result.reported_by, result.reported_at = user, timezone.now()


def _review(*, user, result: Result, status: str, action: str, note: str) -> Result:
    if not scoping.is_tip_staff(user):
        raise PermissionDenied(ERR_ONLY_STAFF_REVIEW)
    result = Result.objects.select_for_update().select_related("indicator").get(pk=result.pk)
    # Reviewing decides which figures of the year count: a change of the year's data.
    ensure_year_open(result.indicator.compact_id, result.fiscal_year)
    if result.status != ResultStatus.SUBMITTED:
        raise StateConflict(
            ERR_ONLY_SUBMITTED[action].format(status=result.get_status_display().lower())
        )
    if status == ResultStatus.APPROVED and user.pk in {result.reported_by_id,
                                                       result.value_changed_by_id}:
        raise StateConflict(str(ERR_APPROVE_OWN))
    result.status = status
    result.review_note = note
    result.reviewed_by, result.reviewed_at = user, timezone.now()
    result.full_clean()
    # The history says why: the reviewer's note is the reason for a return.
    result._change_reason = (f"{action.capitalize()}: {note}" if note
                             else action.capitalize())[:CHANGE_REASON_MAX_LENGTH]
    result.save()
    signals.result_reviewed.send(sender=Result, result=result, reviewer=user, action=action)
    return result


@transaction.atomic
def result_approve(*, user, result: Result, review_note: str = "") -> Result:
    return _review(user=user, result=result, status=ResultStatus.APPROVED, action="approved",
                   note=(review_note or "").strip())


@transaction.atomic
def result_return(*, user, result: Result, review_note: str) -> Result:
    """Send a submitted result back to the officer with a note saying what to fix."""
    if not scoping.is_tip_staff(user):
        raise PermissionDenied(ERR_ONLY_STAFF_REVIEW)
    note = (review_note or "").strip()
    if not note:
        # The state is checked first: returning an approved result is a conflict, not a typo.
        current = Result.objects.filter(pk=result.pk).values_list("status", flat=True).first()
        if current == ResultStatus.SUBMITTED:
            raise ValidationError({"review_note": [ERR_REVIEW_NOTE_REQUIRED]})
    return _review(user=user, result=result, status=ResultStatus.RETURNED, action="returned",
                   note=note)


@transaction.atomic
def result_document_add(*, result: Result, file, title: str = "", user=None) -> ResultDocument:
    """Attach a source document to a result; writers of the result's country only. The
    file is checked by content and size (``cpc.uploads``) when it is validated."""
    if user is not None and not scoping.can_record_result(user, result.indicator):
        raise PermissionDenied(_not_yours(user))
    result = lock(result)
    ensure_year_open(result.indicator.compact_id, result.fiscal_year)
    return validated_save(ResultDocument(result=result, file=file, title=(title or "").strip(),
                                         uploaded_by=user))
