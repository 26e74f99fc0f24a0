"""``GET|POST /api/v1/awards/<id>/finances/`` (API contract v1.2): an award's obligations,
disbursements and expenditures per fiscal year.

Whoever reads the award reads its finances; TIP staff write them (compacts.finance_services).
A POST gives one fiscal year's figures and creates that year's row (201) or replaces it
(200). The list answers an ``ETag``, a version of every row of the award; a POST that
carries ``If-Match`` is refused with 412 when the award's finances changed since (the
service compares the versions under the award's row lock).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cpc.api.conditional import PreconditionFailed, if_match_tags
from cpc.fiscal import fiscal_year_validators

from . import finance_services
from .models import AwardFinance


class AwardFinanceSerializer(serializers.ModelSerializer):
    fiscal_year = serializers.IntegerField(validators=fiscal_year_validators)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AwardFinance
        fields = ["fiscal_year", "obligated_usd", "disbursed_usd", "spent_usd",
                  "source_reference", "as_of", "is_sample", "recorded_by", "recorded_at"]
        read_only_fields = ["is_sample", "recorded_by", "recorded_at"]
        validators = []  # one row a year: a POST of a recorded year replaces it


def finances_etag(award) -> str:
    return f'"{finance_services.finances_version(award)}"'


class AwardFinancesMixin:
    """The ``finances`` action of the award viewset."""

    @extend_schema(request=AwardFinanceSerializer, responses=AwardFinanceSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="finances", filter_backends=[],
            pagination_class=None)
    def finances(self, request, pk=None):
        award = self.get_object()
        if request.method == "POST":
            serializer = AwardFinanceSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            tags = if_match_tags(request.META.get("HTTP_IF_MATCH", ""))
            version = next((t.strip('"') for t in tags if t != "*"), None)
            try:
                row, created = finance_services.award_finance_save(
                    user=request.user, award=award, fiscal_year=data.pop("fiscal_year"),
                    data=data, version=version)
            except finance_services.FinancesChanged as changed:
                raise PreconditionFailed() from changed
            response = Response(AwardFinanceSerializer(row).data,
                                status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        else:
            rows = AwardFinance.objects.filter(award=award).select_related("recorded_by")
            response = Response(AwardFinanceSerializer(rows, many=True).data)
        response["ETag"] = finances_etag(award)
        return response
