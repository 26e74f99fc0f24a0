from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from compacts.selectors import compact_list
from cpc.fiscal import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, fiscal_year_of

from .compliance import compliance_as_dict


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
            "status": serializers.ChoiceField(choices=["met", "not_met", "not_applicable"]),
            "detail": serializers.CharField(),
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
