"""/api/v1/compact-documents/, /api/v1/pledges/ (TIP Office staff write, every role reads
within its scope) and ``GET /api/v1/compacts/<id>/document/``: the document with the
completeness of its elements (the rule of :mod:`.completeness`)."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from cpc.access.api import ListRetrieveCreateUpdateViewSet
from cpc.api.history import HistoryMixin

from .. import selectors as compact_selectors
from . import selectors
from .completeness import compact_document_of, document_completeness
from .serializers import (
    CompactDocumentAnswerSerializer,
    CompactDocumentSerializer,
    PledgeSerializer,
)


class _CompactFieldScoped:
    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        fields = getattr(serializer, "fields", {})
        if "compact" in fields and not fields["compact"].read_only:
            # Another country's compact is a 400 ("does not exist").
            fields["compact"].queryset = compact_selectors.compact_list(
                user=self.request.user)
        return serializer


class CompactDocumentViewSet(_CompactFieldScoped, HistoryMixin,
                             ListRetrieveCreateUpdateViewSet):
    serializer_class = CompactDocumentSerializer
    filterset_fields = ["compact", "is_public"]

    def get_queryset(self):
        return selectors.document_list(user=self.request.user)


class PledgeViewSet(_CompactFieldScoped, HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = PledgeSerializer
    filterset_fields = ["compact", "fiscal_year", "kind"]

    def get_queryset(self):
        return selectors.pledge_list(user=self.request.user)


class CompactDocumentView(APIView):
    """The compact's document (null when none is recorded) and which of its elements are
    recorded."""

    @extend_schema(responses=CompactDocumentAnswerSerializer)
    def get(self, request, pk):
        compact = get_object_or_404(compact_selectors.compact_list(user=request.user), pk=pk)
        answer = {"compact": compact.pk, "document": compact_document_of(compact),
                  "completeness": document_completeness(compact)}
        return Response(CompactDocumentAnswerSerializer(
            answer, context={"request": request}).data)
