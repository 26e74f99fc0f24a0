"""Every write to countries, compacts and awards. Each service validates the full object
with ``full_clean()`` inside one transaction, so a rejected request writes nothing.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from cpc.services import validated_save, validated_update

from .models import (
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


@transaction.atomic
def country_create(*, iso_code: str, region: str, notes: str = "") -> PartnerCountry:
    return validated_save(
        PartnerCountry(), {"iso_code": iso_code, "region": region, "notes": notes}
    )


@transaction.atomic
def country_update(*, country: PartnerCountry, data: Mapping[str, Any]) -> PartnerCountry:
    return validated_update(country, data)


@transaction.atomic
def tier_ranking_create(*, country: PartnerCountry, report_year: int, tier: str) -> TierRanking:
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
    *, objectives: Iterable[Mapping[str, Any]] = (), **fields: Any
) -> Compact:
    compact = validated_save(Compact(), fields)
    _replace_objectives(compact, objectives)
    return compact


@transaction.atomic
def compact_update(
    *,
    compact: Compact,
    data: Mapping[str, Any],
    objectives: Iterable[Mapping[str, Any]] | None = None,
) -> Compact:
    compact = validated_update(compact, data)
    if objectives is not None:
        _replace_objectives(compact, objectives)
    return compact


@transaction.atomic
def extension_create(*, compact: Compact, signed_on, new_end_date, reason: str) -> Extension:
    # Lock the compact so two extensions cannot both claim to be the latest.
    Compact.objects.select_for_update().filter(pk=compact.pk).first()
    return validated_save(
        Extension(compact=compact),
        {"signed_on": signed_on, "new_end_date": new_end_date, "reason": reason},
    )


@transaction.atomic
def implementer_get_or_create(*, name: str, kind: str | None = None) -> Implementer:
    implementer = Implementer.objects.filter(name__iexact=name.strip()).first()
    if implementer:
        return implementer
    data = {"name": name.strip()}
    if kind:
        data["kind"] = kind
    return validated_save(Implementer(), data)


@transaction.atomic
def award_create(*, compact: Compact, implementer: Implementer, **fields: Any) -> Award:
    return validated_save(Award(compact=compact, implementer=implementer), fields)


@transaction.atomic
def award_update(*, award: Award, data: Mapping[str, Any]) -> Award:
    return validated_update(award, data)


@transaction.atomic
def guidance_document_create(**fields: Any) -> GuidanceDocument:
    return validated_save(GuidanceDocument(), fields)


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
