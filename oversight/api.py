from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from compacts.selectors import compact_list
from cpc.api.conditional import ConditionalMixin
from cpc.api.history import HistoryMixin
from cpc.fiscal import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, fiscal_year_of

from . import selectors, services
from .compliance import STATUSES, compliance_as_dict
from .serializers import (
    GaoAgencyActionSerializer,
    GaoRecommendationSerializer,
    GaoRecommendationStatusSerializer,
)


class FiscalYearQuery(serializers.Serializer):
    fiscal_year = serializers.IntegerField(
        min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX, required=False)


ComplianceResponse = inline_serializer(
    "Compliance",
    fields={
        "compact": serializers.IntegerField(),
        "fiscal_year": serializers.IntegerField(),
        "checks": inline_serializer("ComplianceCheck", many=True, fields={
            "recommendation": serializers.IntegerField(min_value=1, max_value=6),
            "title": serializers.CharField(),
            "status": serializers.ChoiceField(choices=list(STATUSES)),
            "detail": serializers.CharField(),
            "due_on": serializers.DateField(allow_null=True),
        }),
    },
)


class ComplianceView(APIView):
    """The six GAO checks for a compact and fiscal year (default: the current one)."""

    @extend_schema(
        parameters=[OpenApiParameter("fiscal_year", int, required=False)],
        responses=ComplianceResponse,
    )
    def get(self, request, pk):
        compact = get_object_or_404(compact_list(user=request.user), pk=pk)
        query = FiscalYearQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        from django.utils import timezone

        fiscal_year = query.validated_data.get("fiscal_year") or fiscal_year_of(
            timezone.localdate())
        return Response(compliance_as_dict(compact=compact, fiscal_year=fiscal_year))


class GaoRecommendationViewSet(HistoryMixin, ConditionalMixin, mixins.ListModelMixin,
                               mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """GAO's record of its six recommendations: every role reads it; TIP staff (the
    default ``write_roles``) change a status, with a reason, and add State's actions."""

    serializer_class = GaoRecommendationSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.gao_recommendation_list(user=self.request.user)

    @extend_schema(request=GaoRecommendationStatusSerializer,
                   responses=GaoRecommendationSerializer)
    def partial_update(self, request, pk=None):
        recommendation = self.get_object()
        serializer = GaoRecommendationStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason = data.pop("change_reason")
        services.gao_recommendation_update(recommendation=recommendation, user=request.user,
                                           data=data, change_reason=reason)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=GaoAgencyActionSerializer,
                   responses=GaoAgencyActionSerializer(many=True))
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def actions(self, request, pk=None):
        recommendation = self.get_object()
        if request.method == "POST":
            serializer = GaoAgencyActionSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            created = services.gao_action_create(recommendation=recommendation,
                                                 user=request.user,
                                                 **serializer.validated_data)
            return Response(GaoAgencyActionSerializer(created).data,
                            status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(list(recommendation.actions.all()))
        return self.get_paginated_response(GaoAgencyActionSerializer(page, many=True).data)
