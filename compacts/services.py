"""Every write to countries, compacts and awards. Each service validates the full object
with ``full_clean()`` inside one transaction, so a rejected request writes nothing.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpc.access import scoping
from cpc.access.permissions import ERR_READ_ONLY_ROLE
from cpc.services import StateConflict, lock, required_reason, validated_save, validated_update

from .models import (
    GUIDANCE_CONFIRMED_FIELDS,
    Award,
    Compact,
    Extension,
    GuidanceDocument,
    Implementer,
    Objective,
    PartnerCountry,
    TierRanking,
    UserProfile,
)

User = get_user_model()


def _require_tip_staff(user) -> None:
    """Countries, tier rankings, compacts, extensions and awards are TIP Office staff's to
    write (``cpc.access.roles``): the API and the admin grant the change to them alone, and the
    service refuses anyone else whatever reached it."""
    if not scoping.is_tip_staff(user):
        raise PermissionDenied(ERR_READ_ONLY_ROLE)


@transaction.atomic
def country_create(*, user, iso_code: str, region: str, notes: str = "",
                   government_iati_ref: str = "") -> PartnerCountry:
    _require_tip_staff(user)
    return validated_save(
        PartnerCountry(), {"iso_code": iso_code, "region": region, "notes": notes,
                           "government_iati_ref": government_iati_ref}
    )


@transaction.atomic
def country_update(*, user, country: PartnerCountry,
                   data: Mapping[str, Any]) -> PartnerCountry:
    _require_tip_staff(user)
    return validated_update(country, data)


@transaction.atomic
def tier_ranking_create(*, user, country: PartnerCountry, report_year: int,
                        tier: str) -> TierRanking:
    _require_tip_staff(user)
    return validated_save(TierRanking(country=country), {"report_year": report_year, "tier": tier})


def _replace_objectives(compact: Compact, objectives: Iterable[Mapping[str, Any]]) -> None:
    # Objectives are rewritten as a set; their history tables keep the previous wording.
    compact.objectives.all().delete()
    for position, item in enumerate(objectives):
        objective = Objective(
            compact=compact,
            pillar=item.get("pillar"),
            description=item.get("description"),
            position=position,
        )
        objective.full_clean()
        objective.save()


@transaction.atomic
def compact_create(
    *, user, objectives: Iterable[Mapping[str, Any]] = (), **fields: Any
) -> Compact:
    _require_tip_staff(user)
    compact = validated_save(Compact(), fields)
    _replace_objectives(compact, objectives)
    return compact


@transaction.atomic
def compact_update(
    *,
    user,
    compact: Compact,
    data: Mapping[str, Any],
    objectives: Iterable[Mapping[str, Any]] | None = None,
) -> Compact:
    _require_tip_staff(user)
    compact = validated_update(compact, data)
    if objectives is not None:
        _replace_objectives(compact, objectives)
    return compact


@transaction.atomic
def extension_create(*, user, compact: Compact, signed_on, new_end_date,
                     reason: str) -> Extension:
    _require_tip_staff(user)
    # Lock the compact so two extensions cannot both claim to be the latest.
    Compact.objects.select_for_update().filter(pk=compact.pk).first()
    return validated_save(
        Extension(compact=compact),
        {"signed_on": signed_on, "new_end_date": new_end_date, "reason": reason},
    )


@transaction.atomic
def implementer_get_or_create(*, name: str, kind: str | None = None,
                              **fields: Any) -> Implementer:
    """The implementer of that name, or a new one with ``kind`` and ``fields`` (its IATI
    identifier and NGO type, say) when there is none."""
    implementer = Implementer.objects.filter(name__iexact=name.strip()).first()
    if implementer:
        return implementer
    data = {"name": name.strip(), **fields}
    if kind:
        data["kind"] = kind
    return validated_save(Implementer(), data)


@transaction.atomic
def award_create(*, user, compact: Compact, implementer: Implementer, **fields: Any) -> Award:
    _require_tip_staff(user)
    return validated_save(Award(compact=compact, implementer=implementer), fields)


@transaction.atomic
def award_update(*, user, award: Award, data: Mapping[str, Any]) -> Award:
    _require_tip_staff(user)
    return validated_update(award, data)


ERR_GUIDANCE_STAFF_ONLY = _("Only TIP Office staff record or confirm guidance versions.")
ERR_GUIDANCE_CONFIRM_OWN = _(
    "Four eyes: you entered this guidance version, so another TIP Office staff member must "
    "confirm that its passage references indicator targets."
)
ERR_GUIDANCE_CONFIRM_NOTHING = _(
    "There is nothing to confirm: this version quotes no passage on targets and has no "
    "document attached. Record both first."
)
ERR_GUIDANCE_CONFIRM_NO_PASSAGE = _(
    "There is nothing to confirm: this version quotes no passage on targets. Record it first."
)
ERR_GUIDANCE_CONFIRM_NO_DOCUMENT = _(
    "This version has no document attached: a passage is confirmed against the document."
)
ERR_GUIDANCE_ALREADY_CONFIRMED = _("This version was already confirmed by {name} on {date}.")
REASON_GUIDANCE_CONFIRMATION_CLEARED = (
    "Confirmation withdrawn: {fields} changed after the version was confirmed."
)


def _require_guidance_staff(user) -> None:
    # ``user`` None: the program itself (the demo seed, a data migration), not a person.
    if user is not None and not scoping.is_tip_staff(user):
        raise PermissionDenied(ERR_GUIDANCE_STAFF_ONLY)


@transaction.atomic
def guidance_document_create(*, user=None, **fields: Any) -> GuidanceDocument:
    """Record a guidance version; the server stamps who and when. A new version is not
    confirmed: a second staff member confirms it (``guidance_document_confirm``)."""
    _require_guidance_staff(user)
    for field in ("recorded_by", "recorded_at", "confirmed_by", "confirmed_at"):
        fields.pop(field, None)
    return validated_save(GuidanceDocument(recorded_by=user, recorded_at=timezone.now()),
                          fields)


@transaction.atomic
def guidance_document_update(*, user, guidance: GuidanceDocument,
                             data: Mapping[str, Any], reason: str = "") -> GuidanceDocument:
    """Change the fields in ``data``. Any change to a confirmed version needs ``reason``
    (``{"reason": [...]}`` without one), kept in the history. A change of the passage or the
    document withdraws the confirmation: what was confirmed is no longer there."""
    _require_guidance_staff(user)
    data = {k: v for k, v in data.items()
            if k not in {"recorded_by", "recorded_at", "confirmed_by", "confirmed_at"}}
    current = lock(guidance)
    changed = [field for field in GUIDANCE_CONFIRMED_FIELDS
               if field in data and _differs(field, data[field], getattr(current, field))]
    reasons = []
    if current.is_confirmed and any(_differs(field, value, getattr(current, field))
                                    for field, value in data.items()):
        reasons.append(required_reason(reason, what=str(_("confirmed guidance version"))))
    if current.is_confirmed and changed:
        current.confirmed_by, current.confirmed_at = None, None
        reasons.append(REASON_GUIDANCE_CONFIRMATION_CLEARED.format(fields=", ".join(changed)))
    return validated_update(current, data, change_reason=" ".join(reasons))


def _differs(field: str, new, old) -> bool:
    if field == "targets_passage":
        return (new or "").strip() != (old or "").strip()
    return new != old  # a new upload always differs; clearing the file too


@transaction.atomic
def guidance_document_confirm(*, user, guidance: GuidanceDocument) -> GuidanceDocument:
    """A second TIP Office staff member confirms that the version's quoted passage references
    indicator targets, against its document. Refused (409) to the version's author, and while
    there is no passage or no document; 403 for any other role."""
    if user is None or not scoping.is_tip_staff(user):
        raise PermissionDenied(ERR_GUIDANCE_STAFF_ONLY)
    current = lock(guidance)
    if current.recorded_by_id is not None and current.recorded_by_id == user.pk:
        raise StateConflict(str(ERR_GUIDANCE_CONFIRM_OWN))
    if current.is_confirmed:
        raise StateConflict(str(ERR_GUIDANCE_ALREADY_CONFIRMED).format(
            name=current.confirmed_by.get_username(), date=current.confirmed_at.date()))
    if not current.targets_passage.strip():
        raise StateConflict(str(ERR_GUIDANCE_CONFIRM_NOTHING if not current.document
                                else ERR_GUIDANCE_CONFIRM_NO_PASSAGE))
    if not current.document:
        raise StateConflict(str(ERR_GUIDANCE_CONFIRM_NO_DOCUMENT))
    current.confirmed_by, current.confirmed_at = user, timezone.now()
    return validated_update(current, change_reason="Confirmed: the passage references "
                                                   "indicator targets.")


def user_language_set(*, user, language: str) -> None:
    """Remember the interface language ``user`` chose (one of ``settings.LANGUAGES``), to
    apply it at their next sign-in. A reader's preference, not a record of the program:
    an existing profile is updated in place, so the choice neither adds a history version
    nor moves the records version (which would empty every cached page for nothing)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language: {language!r}")
    if not UserProfile.objects.filter(user=user).update(language=language):
        UserProfile.objects.create(user=user, language=language)


@transaction.atomic
def user_assign_role(
    *, user, role: str, countries: Iterable[PartnerCountry] = (),
    implementers: Iterable[Implementer] = (),
) -> UserProfile:
    """Give ``user`` a role (a group) and, for embassy officers, their countries; for
    implementers, the organisations they work for."""
    user.groups.add(Group.objects.get(name=role))
    profile, _ = UserProfile.objects.get_or_create(user=user)
    profile.countries.set(list(countries))
    profile.implementers.set(list(implementers))
    return profile
