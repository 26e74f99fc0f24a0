"""REST endpoints for countries, tier rankings, compacts, extensions, awards and /me/."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from compacts.filters import ScopedFilterSet
from cpc.api.history import HistoryMixin
from cpc.fiscal import fiscal_year_bounds

from . import scoping, selectors, services
from .models import Compact, CompactStatus, PartnerCountry
from .serializers import (
    AwardSerializer,
    CompactSerializer,
    CountrySerializer,
    ExtensionSerializer,
    MeSerializer,
    TierRankingSerializer,
)


class ListRetrieveCreateUpdateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """GET list and detail, POST and PATCH; no DELETE, and no PUT (PATCH is the contract)."""

    http_method_names = ["get", "post", "patch", "head", "options"]


class CountryViewSet(HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = CountrySerializer
    filterset_fields = ["region"]

    def get_queryset(self):
        return selectors.country_list(user=self.request.user)

    @extend_schema(request=TierRankingSerializer, responses=TierRankingSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="tier-rankings", filter_backends=[])
    def tier_rankings(self, request, pk=None):
        country = self.get_object()
        if request.method == "POST":
            serializer = TierRankingSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            ranking = services.tier_ranking_create(country=country, **serializer.validated_data)
            return Response(TierRankingSerializer(ranking).data, status=status.HTTP_201_CREATED)
        rankings = selectors.tier_ranking_list(user=request.user, country=country)
        page = self.paginate_queryset(rankings)
        return self.get_paginated_response(TierRankingSerializer(page, many=True).data)


class CompactFilter(ScopedFilterSet):
    country = django_filters.ModelChoiceFilter(queryset=PartnerCountry.objects.all())
    status = django_filters.ChoiceFilter(choices=CompactStatus.choices)
    active_in = django_filters.NumberFilter(
        method="filter_active_in", label="Active in fiscal year"
    )

    class Meta:
        model = Compact
        fields = ["country", "status", "active_in"]

    def filter_active_in(self, queryset, name, value):
        if value < 1900 or value > 2200:
            return queryset.none()
        first, last = fiscal_year_bounds(int(value))
        return queryset.filter(start_date__lte=last, current_end__gte=first)


class CompactViewSet(HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = CompactSerializer
    filterset_class = CompactFilter

    def get_queryset(self):
        return selectors.compact_list(user=self.request.user)

    @extend_schema(request=ExtensionSerializer, responses=ExtensionSerializer(many=True))
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def extensions(self, request, pk=None):
        compact = self.get_object()
        if request.method == "POST":
            serializer = ExtensionSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            extension = services.extension_create(compact=compact, **serializer.validated_data)
            return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.extension_list(user=request.user,
                                                               compact=compact))
        return self.get_paginated_response(ExtensionSerializer(page, many=True).data)


class AwardViewSet(HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = AwardSerializer
    filterset_fields = ["compact", "mechanism"]

    def get_queryset(self):
        return selectors.award_list(user=self.request.user)

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "compact" in getattr(serializer, "fields", {}):
            serializer.fields["compact"].queryset = selectors.compact_list(user=self.request.user)
        return serializer


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        visible = scoping.visible_country_ids(user)
        countries = PartnerCountry.objects.all()
        if visible is not None:
            countries = countries.filter(pk__in=visible)
        data = {
            "username": user.get_username(),
            "roles": sorted(scoping.user_roles(user)),
            "countries": sorted(c.iso_code.code for c in countries),
            "sees_every_country": visible is None,
        }
        return Response(MeSerializer(data).data)


class TokenView(ObtainAuthToken):
    """POST username and password, receive ``{"token": ...}``."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth-token"
