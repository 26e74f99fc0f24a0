"""Reads of GAO's recommendation record. The record is program-wide: every role reads it."""

from django.db.models import Prefetch, QuerySet

from compacts.scoping import user_roles

from .models import GaoAgencyAction, GaoRecommendation


def gao_recommendation_list(*, user) -> QuerySet[GaoRecommendation]:
    if not user_roles(user):
        return GaoRecommendation.objects.none()
    return GaoRecommendation.objects.prefetch_related(
        Prefetch("actions", queryset=GaoAgencyAction.objects.order_by("date", "pk"))
    ).order_by("number")


def gao_action_list(*, user) -> QuerySet[GaoAgencyAction]:
    if not user_roles(user):
        return GaoAgencyAction.objects.none()
    return GaoAgencyAction.objects.select_related("recommendation").order_by("date", "pk")
