"""Every write to GAO's recommendation record: staff add State's actions and change GAO's
status, always with a reason that the history keeps."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpc.access.scoping import is_tip_staff
from cpc.services import lock, validated_save, validated_update
from cpc.versions import check_version

from .models import GaoAgencyAction, GaoRecommendation

ERR_STAFF_ONLY = _("Only TIP Office staff change GAO's recommendation record.")
ERR_REASON_REQUIRED = _("Say why the record changes; the history keeps the reason.")
# What a status change may touch; the text and the concurrence are kept as GAO gave them.
STATUS_FIELDS = ("status", "status_as_of", "status_note")


def _require_staff(user) -> None:
    if not is_tip_staff(user):
        raise PermissionDenied(ERR_STAFF_ONLY)


@transaction.atomic
def gao_recommendation_update(*, recommendation: GaoRecommendation, user,
                              data: Mapping[str, Any], change_reason: str,
                              version: str | None = None) -> GaoRecommendation:
    """Change GAO's status of a recommendation. ``change_reason`` is required and becomes
    the history's reason. ``status_reported`` (when GAO reported it, for a status GAO's
    public record gives no day for) dates the status when no day is given; a new status
    with neither is dated today. Given the ``version`` the page showed, a recommendation
    changed since is refused (``RecordChanged``), never saved over."""
    _require_staff(user)
    recommendation = check_version(recommendation, version)
    reason = (change_reason or "").strip()
    if not reason:
        raise ValidationError({"change_reason": [ERR_REASON_REQUIRED]})
    reported = (data.get("status_reported") or "").strip()
    # An empty date keeps the one recorded (or, for a status GAO's public record does not
    # date, "as reported by GAO, ..."): no day is recorded unless someone gives it.
    data = {k: v for k, v in data.items() if k in STATUS_FIELDS
            and not (k == "status_as_of" and v is None)}
    if reported and not data.get("status_as_of"):
        data["status_as_of"], data["status_reported"] = None, reported
    elif data.get("status", recommendation.status) != recommendation.status:
        data.setdefault("status_as_of", timezone.localdate())
    if data.get("status_as_of"):
        data["status_reported"] = ""  # the day replaces "as reported by GAO, <when>"
    return validated_update(recommendation, data, change_reason=reason)


@transaction.atomic
def gao_action_create(*, recommendation: GaoRecommendation, user, date=None,
                      description: str, evidence: str, period: str = "",
                      evidence_file=None) -> GaoAgencyAction:
    """Record something State did in response to the recommendation, with its evidence,
    and when: its day, or the period the source gives when it gives no day."""
    _require_staff(user)
    # One change to the recommendation's record at a time (its status or an action).
    lock(recommendation)
    fields = {"date": date, "period": (period or "").strip(), "description": description,
              "evidence": evidence}
    if evidence_file:
        fields["evidence_file"] = evidence_file
    return validated_save(GaoAgencyAction(recommendation=recommendation, recorded_by=user),
                          fields)
