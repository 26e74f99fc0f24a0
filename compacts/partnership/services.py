"""Every write to a compact's document and its partner pledges: TIP Office staff's alone
(compact-level records), validated in full inside one transaction; an edit changes only the
fields given, on the locked current row, and is refused when the page's version is stale."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cpc.access import scoping
from cpc.services import lock, validated_save, validated_update
from cpc.versions import check_version

from ..models import DOCUMENT_TEXT_FIELDS, Compact, CompactDocument, PartnerPledge

ERR_DOCUMENT_STAFF_ONLY = _("Only TIP Office staff record a compact's document and pledges.")
DOCUMENT_FIELDS = (*DOCUMENT_TEXT_FIELDS, "signed_document", "is_public", "public_url")
PLEDGE_FIELDS = ("fiscal_year", "kind", "amount_local", "currency", "amount_usd",
                 "personnel_count", "source")


def _require_staff(user) -> None:
    if user is None or not scoping.is_tip_staff(user):
        raise PermissionDenied(ERR_DOCUMENT_STAFF_ONLY)


def _only(data: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in allowed}


def _stamped(current, data: dict[str, Any], user) -> dict[str, Any]:
    """``data``, and who entered it when it changes anything (an unchanged save writes
    nothing, as ``validated_update`` does)."""
    if any(getattr(current, field) != value for field, value in data.items()):
        return {**data, "recorded_by": user}
    return data


@transaction.atomic
def compact_document_save(*, user, compact: Compact, data: Mapping[str, Any],
                          version: str | None = None) -> CompactDocument:
    """Record the compact's document, or change the fields in ``data`` of the one recorded.
    ``version``: the record as the page showed it (``cpc.versions``); a stale one is refused
    (``RecordChanged``)."""
    _require_staff(user)
    data = _only(data, DOCUMENT_FIELDS)
    # The compact's row is the lock two first saves of its document queue on.
    Compact.objects.select_for_update().filter(pk=compact.pk).first()
    existing = CompactDocument.objects.filter(compact=compact).first()
    if existing is None:
        return validated_save(CompactDocument(compact=compact, recorded_by=user), data)
    current = check_version(existing, version)
    return validated_update(current, _stamped(current, data, user))


@transaction.atomic
def pledge_create(*, user, compact: Compact, **fields: Any) -> PartnerPledge:
    _require_staff(user)
    return validated_save(PartnerPledge(compact=compact, recorded_by=user),
                          _only(fields, PLEDGE_FIELDS))


@transaction.atomic
def pledge_update(*, user, pledge: PartnerPledge, data: Mapping[str, Any],
                  version: str | None = None) -> PartnerPledge:
    """Change only the fields in ``data``; a stale ``version`` is refused."""
    _require_staff(user)
    current = check_version(pledge, version) if version else lock(pledge)
    return validated_update(current, _stamped(current, _only(data, PLEDGE_FIELDS), user))
