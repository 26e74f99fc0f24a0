"""Every write to a compact's evaluations: TIP staff record and change them. The indicators
an evaluation measures must be its compact's own."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from compacts.models import Compact
from cpc.access.scoping import is_tip_staff
from cpc.services import lock, validated_save, validated_update
from cpc.versions import check_version

from .evaluations import ERR_INDICATOR_OTHER_COMPACT, Evaluation

ERR_STAFF_ONLY = _("Only TIP Office staff record a compact's evaluations.")
FIELDS = ("kind", "title", "fieldwork_start", "fieldwork_end", "published_on", "implementer",
          "design", "key_findings", "document")


def _require_staff(user) -> None:
    if not is_tip_staff(user):
        raise PermissionDenied(ERR_STAFF_ONLY)


def _check_indicators(compact: Compact, indicators: Iterable) -> list:
    indicators = list(indicators)
    if any(indicator.compact_id != compact.pk for indicator in indicators):
        raise ValidationError({"indicators": [ERR_INDICATOR_OTHER_COMPACT]})
    return indicators


@transaction.atomic
def evaluation_create(*, user, compact: Compact, indicators: Iterable = (),
                      **fields: Any) -> Evaluation:
    """Record an evaluation of ``compact`` (baseline, midline, endline or prevalence
    study) with the indicators it measures."""
    _require_staff(user)
    chosen = _check_indicators(compact, indicators)
    data = {key: value for key, value in fields.items() if key in FIELDS}
    if not data.get("document"):
        data.pop("document", None)
    evaluation = validated_save(Evaluation(compact=compact, recorded_by=user), data)
    evaluation.indicators.set(chosen)
    return evaluation


@transaction.atomic
def evaluation_update(*, user, evaluation: Evaluation, data: Mapping[str, Any],
                      indicators: Iterable | None = None,
                      version: str | None = None) -> Evaluation:
    """Change the fields given in ``data`` (and the indicators, when given). Given the
    ``version`` the page showed, an evaluation changed since is refused
    (``RecordChanged``)."""
    _require_staff(user)
    current = check_version(evaluation, version) if version else lock(evaluation)
    chosen = None if indicators is None else _check_indicators(current.compact, indicators)
    data = {key: value for key, value in data.items() if key in FIELDS}
    if "document" in data and not data["document"]:
        data.pop("document")  # an empty file input keeps the document stored
    current = validated_update(current, {**data, "recorded_by": user})
    if chosen is not None:
        current.indicators.set(chosen)
    return current
