"""REST endpoints for the standard library, indicators, targets, results and progress."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from compacts.selectors import every_compact
from cpc import reauth
from cpc.access.api import ListRetrieveCreateUpdateViewSet
from cpc.access.filters import ScopedFilterSet
from cpc.access.roles import EMBASSY_OFFICER, IMPLEMENTER, TIP_STAFF
from cpc.api.conditional import ConditionalMixin
from cpc.api.history import HistoryMixin
from cpc.storage import private_file_response
from cpc.uploads import FILE_RESPONSES

from . import selectors, services
from .models import Indicator, Result, ResultStatus
from .serializers import (
    IndicatorSerializer,
    ProgressSerializer,
    ResultDocumentSerializer,
    ResultSerializer,
    ReviewSerializer,
    StandardIndicatorSerializer,
    TargetSerializer,
)


class StandardIndicatorViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = StandardIndicatorSerializer
    filterset_fields = ["pillar", "unit"]

    def get_queryset(self):
        return selectors.standard_indicator_list()


class IndicatorFilter(ScopedFilterSet):
    compact = django_filters.ModelChoiceFilter(queryset=every_compact())

    class Meta:
        model = Indicator
        fields = ["compact", "is_key", "pillar"]


class IndicatorViewSet(HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter

    def get_queryset(self):
        return selectors.indicator_list(user=self.request.user).prefetch_related("awards")

    @extend_schema(responses=ProgressSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def progress(self, request, pk=None):
        """Per fiscal year: target, actual, percent of target and status (approved results
        only, direction- and cumulation-aware; see docs/indicators.md)."""
        indicator = self.get_object()
        progress = selectors.indicator_progress(indicator=indicator)
        return Response(
            ProgressSerializer([row.as_dict() for row in progress.years], many=True).data
        )


class TargetViewSet(HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = TargetSerializer
    filterset_fields = ["indicator", "fiscal_year"]

    def get_queryset(self):
        return selectors.target_list(user=self.request.user)


class ResultFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=ResultStatus.choices)

    class Meta:
        model = Result
        fields = ["indicator", "fiscal_year", "status"]


class ResultViewSet(HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = ResultSerializer
    filterset_class = ResultFilter

    @property
    def write_roles(self):
        # Officers record and correct results of their countries; only staff review them.
        if self.action in ("approve", "return_result"):
            return (TIP_STAFF,)
        # Implementers record results of their awards' indicators (the service checks which).
        return (TIP_STAFF, EMBASSY_OFFICER, IMPLEMENTER)

    def get_queryset(self):
        return selectors.result_list(user=self.request.user)

    @extend_schema(request=ReviewSerializer, responses=ResultSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        result = self.get_object()
        # Approving needs a recent sign-in (a fresh token, or a re-authenticated session).
        reauth.api_require_recent_auth(request)
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.result_approve(
            user=request.user, result=result, **serializer.validated_data
        )
        return Response(self._fresh(result))

    @extend_schema(request=ReviewSerializer, responses=ResultSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return",
            filter_backends=[])
    def return_result(self, request, pk=None):
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.result_return(
            user=request.user, result=self.get_object(), **serializer.validated_data
        )
        return Response(self._fresh(result))

    @extend_schema(request=ResultDocumentSerializer,
                   responses=ResultDocumentSerializer(many=True))
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def documents(self, request, pk=None):
        """The result's source documents; POST one as multipart form data (``title``,
        ``file``)."""
        result = self.get_object()
        if request.method == "POST":
            payload = ResultDocumentSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            document = services.result_document_add(result=result, user=request.user,
                                                    **payload.validated_data)
            return Response(ResultDocumentSerializer(document).data,
                            status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(result.documents.order_by("uploaded_at", "pk"))
        return self.get_paginated_response(ResultDocumentSerializer(page, many=True).data)

    @extend_schema(responses=FILE_RESPONSES)
    @action(detail=True, methods=["get"], filter_backends=[],
            url_path=r"documents/(?P<document_pk>[0-9]+)/file", url_name="document-file")
    def document_file(self, request, pk=None, document_pk=None):
        document = get_object_or_404(self.get_object().documents.all(), pk=document_pk)
        return private_file_response(document.file)

    def _fresh(self, result):
        return self.get_serializer(self.get_queryset().get(pk=result.pk)).data
