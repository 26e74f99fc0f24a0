"""Reads of GAO's recommendation record. The record is program-wide: every role reads it."""

from django.db.models import Prefetch, QuerySet

from compacts.models import Compact
from cpc.access.scoping import scope_to_visible, user_roles

from .compliance import Check, checks_once_closed
from .models import ACTION_ORDER, GaoAgencyAction, GaoRecommendation


def gao_recommendation_list(*, user) -> QuerySet[GaoRecommendation]:
    if not user_roles(user):
        return GaoRecommendation.objects.none()
    return GaoRecommendation.objects.prefetch_related(
        Prefetch("actions", queryset=GaoAgencyAction.objects.order_by(*ACTION_ORDER))
    ).order_by("number")


def gao_action_list(*, user) -> QuerySet[GaoAgencyAction]:
    if not user_roles(user):
        return GaoAgencyAction.objects.none()
    return GaoAgencyAction.objects.select_related("recommendation").order_by(*ACTION_ORDER)


def dashboard_compact_list(*, user, fiscal_year: int) -> QuerySet[Compact]:
    """The compacts active in ``fiscal_year`` with only what the dashboard shows (the
    country's name; the current end, which the checks read); in a stable order to page."""
    return scope_to_visible(
        Compact.objects.active_in(fiscal_year).select_related("country"), user,
    ).order_by("start_date", "country__iso_code", "pk")


def dialogue_checks_once_closed(dialogue) -> list[Check]:
    """How the six checks of a dialogue's compact and fiscal year will stand once it is
    closed, computed afresh (never from the cache: the close step is about to write).
    Registered with ``dialogues.closing`` (``apps.py``), which this app sits above."""
    return checks_once_closed(dialogue=dialogue)
