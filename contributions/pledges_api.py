"""``GET /api/v1/compacts/<id>/pledges/``: the partner government's pledges and the
comparison of pledged against recorded and verified by fiscal year (contributions.pledges),
the figures the contributions page and the oversight report show."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from compacts.partnership.selectors import pledge_list
from compacts.partnership.serializers import PledgeSerializer

from . import selectors
from .pledges import PledgeYear, pledge_picture, pledge_total


class LocalAmountSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class PledgeYearSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(help_text="0 for the total of the years.")
    pledged_usd = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    pledged_local = serializers.SerializerMethodField()
    pledged_personnel = serializers.IntegerField(allow_null=True)
    recorded_usd = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    verified_usd = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    verified_share_of_pledge = serializers.DecimalField(max_digits=8, decimal_places=0,
                                                        allow_null=True)
    is_sample = serializers.BooleanField(source="pledged_sample")

    @extend_schema(responses=LocalAmountSerializer(many=True))
    def get_pledged_local(self, year: PledgeYear) -> list[dict]:
        return LocalAmountSerializer(
            [{"currency": c, "amount": a} for c, a in year.pledged_local], many=True).data


class CompactPledgesSerializer(serializers.Serializer):
    compact = serializers.IntegerField()
    pledges = PledgeSerializer(many=True)
    by_year = PledgeYearSerializer(many=True)
    total = PledgeYearSerializer()


class CompactPledgesView(APIView):
    """What the partner government pledged, and by fiscal year pledged against the
    contributions recorded and verified (U.S. dollars)."""

    @extend_schema(responses=CompactPledgesSerializer)
    def get(self, request, pk):
        compact = get_object_or_404(selectors.compact_list(user=request.user), pk=pk)
        years = pledge_picture(user=request.user, compact=compact)
        answer = {"compact": compact.pk,
                  "pledges": pledge_list(user=request.user).filter(compact=compact),
                  "by_year": years, "total": pledge_total(years)}
        return Response(CompactPledgesSerializer(answer, context={"request": request}).data)
