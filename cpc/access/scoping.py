"""The one place that answers: which roles does this user hold, and which countries may
they see or change? Selectors, API permissions, pages and the admin all ask here.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .roles import AUDITOR, EMBASSY_OFFICER, IMPLEMENTER, ROLES, TIP_STAFF

_ROLES_CACHE = "_cpc_roles"
_COUNTRIES_CACHE = "_cpc_country_ids"
_IMPLEMENTERS_CACHE = "_cpc_implementer_ids"
_COMPACTS_CACHE = "_cpc_implementer_compact_ids"
_INDICATORS_CACHE = "_cpc_implementer_indicator_ids"


# Scope is read from the domain's records (countries, implementers, compacts, awards): the app
# that defines them names their models at start-up, so this package imports no domain app.
_SCOPE_MODELS: dict[str, type] = {}


def scope_models_register(**models: type) -> None:
    """Name the models scope reads: ``PartnerCountry``, ``Implementer``, ``Compact`` and
    ``Award`` (the compacts app, when it is ready)."""
    _SCOPE_MODELS.update(models)


def scope_model(name: str) -> type:
    """A model named by ``scope_models_register``."""
    try:
        return _SCOPE_MODELS[name]
    except KeyError:
        raise LookupError(f"scope model {name!r} is not registered") from None


def user_roles(user) -> frozenset[str]:
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    if not hasattr(user, _ROLES_CACHE):
        roles = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            roles.add(TIP_STAFF)
        setattr(user, _ROLES_CACHE, frozenset(roles))
    return getattr(user, _ROLES_CACHE)


def is_tip_staff(user) -> bool:
    return TIP_STAFF in user_roles(user)


def is_auditor(user) -> bool:
    return AUDITOR in user_roles(user)


def is_embassy_officer(user) -> bool:
    return EMBASSY_OFFICER in user_roles(user)


def is_implementer(user) -> bool:
    return IMPLEMENTER in user_roles(user)


def _implementer_only(user) -> bool:
    """Implementers see by compact (their awards), not by country; a person who also holds
    another role sees what that role sees."""
    return user_roles(user) == {IMPLEMENTER}


def sees_every_country(user) -> bool:
    roles = user_roles(user)
    return TIP_STAFF in roles or AUDITOR in roles


def assigned_country_ids(user) -> frozenset[int]:
    """Countries the user is assigned to through their profile (embassy officers)."""
    if not user or not user.is_authenticated:
        return frozenset()
    if not hasattr(user, _COUNTRIES_CACHE):
        PartnerCountry = scope_model("PartnerCountry")

        ids = PartnerCountry.objects.filter(profiles__user=user).values_list("pk", flat=True)
        setattr(user, _COUNTRIES_CACHE, frozenset(ids))
    return getattr(user, _COUNTRIES_CACHE)


def assigned_implementer_ids(user) -> frozenset[int]:
    """The implementing organisations the user works for (implementers)."""
    if not user or not user.is_authenticated:
        return frozenset()
    if not hasattr(user, _IMPLEMENTERS_CACHE):
        Implementer = scope_model("Implementer")

        ids = Implementer.objects.filter(profiles__user=user).values_list("pk", flat=True)
        setattr(user, _IMPLEMENTERS_CACHE, frozenset(ids))
    return getattr(user, _IMPLEMENTERS_CACHE)


def _implementer_compacts(user) -> dict[int, int]:
    """{compact id: country id} of the compacts where the user's organisations hold awards."""
    if not hasattr(user, _COMPACTS_CACHE):
        Award = scope_model("Award")

        pairs = Award.objects.filter(implementer__in=assigned_implementer_ids(user)).values_list(
            "compact_id", "compact__country_id")
        setattr(user, _COMPACTS_CACHE, dict(pairs))
    return getattr(user, _COMPACTS_CACHE)


def visible_compact_ids(user) -> frozenset[int] | None:
    """None when the user's reading is bounded by country alone; for implementers, the
    compacts where their organisations hold awards."""
    if not _implementer_only(user):
        return None
    return frozenset(_implementer_compacts(user))


def recordable_indicator_ids(user) -> frozenset[int]:
    """Indicators an implementer may submit results for: those reported under an award of
    one of their organisations."""
    return frozenset(_implementer_indicators(user))


def _implementer_indicators(user) -> dict[int, int]:
    """{indicator id: compact id} of the indicators reported under the user's awards."""
    if not is_implementer(user):
        return {}
    if not hasattr(user, _INDICATORS_CACHE):
        Award = scope_model("Award")

        pairs = (Award.indicators.through.objects
                 .filter(award__implementer__in=assigned_implementer_ids(user))
                 .values_list("indicator_id", "award__compact_id"))
        setattr(user, _INDICATORS_CACHE, dict(pairs))
    return getattr(user, _INDICATORS_CACHE)


def visible_country_ids(user) -> frozenset[int] | None:
    """None means every country; otherwise the ids of the countries the user may see."""
    if sees_every_country(user):
        return None
    if is_embassy_officer(user):
        return assigned_country_ids(user)
    if is_implementer(user):
        return frozenset(_implementer_compacts(user).values())
    return frozenset()


def scope_key(user) -> str:
    """What a page or API answer may depend on about its reader: roles, and the countries
    they see and change. Readers with the same key get the same content, so content cached
    under it (``cpc.access.fragments``) is shared by them and by no one else."""

    def ids(found: frozenset[int] | None) -> str:
        return "all" if found is None else ".".join(map(str, sorted(found))) or "none"

    roles = ",".join(sorted(user_roles(user))) or "none"
    key = (f"{roles}|{int(bool(getattr(user, 'is_superuser', False)))}|"
           f"{ids(visible_country_ids(user))}|{ids(changeable_country_ids(user))}")
    if is_implementer(user):
        # What an implementer sees and may record follows their awards, not their countries.
        key += f"|{ids(visible_compact_ids(user))}|{ids(recordable_indicator_ids(user))}"
    return key


def changeable_country_ids(user) -> frozenset[int] | None:
    """None means every country. Auditors change nothing; officers their own countries."""
    if is_tip_staff(user):
        return None
    if is_embassy_officer(user):
        return assigned_country_ids(user)
    return frozenset()


def _compact_path(model, country_path: str) -> str | None:
    """The lookup from ``model`` to its Compact, read off the path to its country; None for
    records above a compact (countries, tier rankings)."""
    Compact = scope_model("Compact")

    if model is Compact and country_path == "country":
        return "pk"
    if country_path.endswith("__country"):
        return country_path.removesuffix("__country")
    return None


def scope_to_visible(queryset: QuerySet, user, country_path: str = "country") -> QuerySet:
    """Filter ``queryset`` to rows whose country (reached by ``country_path``) the user sees,
    and for implementers to the rows of their compacts."""
    ids = visible_country_ids(user)
    if ids is None:
        return queryset
    lookup = "pk__in" if country_path == "" else f"{country_path}__in"
    queryset = queryset.filter(**{lookup: ids})
    compacts = visible_compact_ids(user)
    path = _compact_path(queryset.model, country_path)
    if compacts is not None and path is not None:
        queryset = queryset.filter(**{f"{path}__in": compacts})
    return queryset


def scope_to_changeable(queryset: QuerySet, user, country_path: str = "country") -> QuerySet:
    ids = changeable_country_ids(user)
    if ids is None:
        return queryset
    lookup = "pk__in" if country_path == "" else f"{country_path}__in"
    return queryset.filter(**{lookup: ids})


def can_see_country(user, country_id: int) -> bool:
    ids = visible_country_ids(user)
    return ids is None or country_id in ids


def can_see_compact(user, compact) -> bool:
    compacts = visible_compact_ids(user)
    return can_see_country(user, compact.country_id) and (
        compacts is None or compact.pk in compacts)


def can_change_country(user, country_id: int) -> bool:
    ids = changeable_country_ids(user)
    return ids is None or country_id in ids


# How each country-scoped model reaches its PartnerCountry, found from its foreign keys.
_PARENT_FIELDS = ("compact", "indicator", "dialogue", "plan", "result")


def country_path(model) -> str | None:
    """The lookup from ``model`` to its PartnerCountry ("" for the country itself), or None
    for program-wide records (implementers, guidance, the standard indicator library)."""
    PartnerCountry = scope_model("PartnerCountry")

    if model is PartnerCountry:
        return ""
    names = {field.name: field for field in model._meta.get_fields()
             if getattr(field, "many_to_one", False)}
    if "country" in names and names["country"].related_model is PartnerCountry:
        return "country"
    for name in _PARENT_FIELDS:
        if name in names:
            parent = country_path(names[name].related_model)
            if parent is not None:
                return f"{name}__{parent}" if parent else name
    return None


def scope_any(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the user's countries, whatever its model (unchanged for
    program-wide records)."""
    path = country_path(queryset.model)
    return queryset if path is None else scope_to_visible(queryset, user, path)


def can_record_in(user, country_id: int) -> bool:
    """Dialogues, results and contributions of a country: TIP staff anywhere, embassy
    officers in their own countries, auditors never."""
    return bool(user_roles(user) & {TIP_STAFF, EMBASSY_OFFICER}) and can_change_country(
        user, country_id)


def can_record_result(user, indicator) -> bool:
    """Results (and their source documents) of ``indicator``: whoever records in its
    country, and an implementer for the indicators of their organisations' awards."""
    return (can_record_in(user, indicator.compact.country_id)
            or indicator.pk in recordable_indicator_ids(user))


def records_results_in(user, compact) -> bool:
    """Whether the user may record any result of ``compact`` (pages offer the forms)."""
    if can_record_in(user, compact.country_id):
        return True
    return compact.pk in _implementer_indicators(user).values()


def officers_of(country, *, with_tip_staff: bool = False) -> QuerySet:
    """The active users who answer for a country's records, read as ``user_roles`` reads
    roles: its embassy officers (the country in their profile) and, ``with_tip_staff``, TIP
    Office staff, who act for every country (superusers among them). ``country``: a partner
    country, its id, or a query of the one country id."""
    who = Q(groups__name=EMBASSY_OFFICER, profile__countries=country)
    if with_tip_staff:
        who |= Q(groups__name=TIP_STAFF) | Q(is_superuser=True)
    return get_user_model().objects.filter(who, is_active=True).distinct()
