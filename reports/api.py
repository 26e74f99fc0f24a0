"""REST endpoints of the oversight reports: request (202), poll, download, re-run, verify."""

import hashlib

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cpc.access.roles import AUDITOR, EMBASSY_OFFICER, TIP_STAFF
from cpc.api.conditional import ConditionalMixin
from cpc.api.history import HistoryMixin
from cpc.services import StateConflict
from cpc.storage import protect_file_response

from . import selectors, services
from .models import ReportStatus
from .serializers import (
    ReportJobSerializer,
    ReportRequestSerializer,
    ReportVerifyResultSerializer,
    ReportVerifySerializer,
)


def pdf_response(job) -> FileResponse:
    if job.status != ReportStatus.SUCCEEDED:
        raise StateConflict(services.ERR_NOT_READY.format(status=job.get_status_display().lower()))
    response = FileResponse(job.pdf.open("rb"), content_type="application/pdf",
                            as_attachment=True, filename=job.download_filename())
    response["X-Content-SHA256"] = job.sha256
    return protect_file_response(response)


class ReportJobViewSet(HistoryMixin, ConditionalMixin, mixins.ListModelMixin,
                       mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    serializer_class = ReportJobSerializer
    # Requesting a report is the auditors' one write (API contract).
    write_roles = (TIP_STAFF, EMBASSY_OFFICER, AUDITOR)
    filterset_fields = ["kind", "status", "compact", "fiscal_year"]

    def get_queryset(self):
        return selectors.report_job_list(user=self.request.user)

    @extend_schema(request=ReportRequestSerializer,
                   responses={202: ReportJobSerializer})
    def create(self, request):
        serializer = ReportRequestSerializer(
            data=request.data,
            compacts=selectors.report_compact_choices(user=request.user),
        )
        serializer.is_valid(raise_exception=True)
        job = services.report_request(user=request.user, **serializer.validated_data)
        return self._accepted(job)

    def _accepted(self, job) -> Response:
        job.refresh_from_db()  # the dispatch ran on commit and recorded its outcome
        data = ReportJobSerializer(job, context=self.get_serializer_context()).data
        if not job.dispatched:
            data["detail"] = services.MSG_BROKER_DOWN
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="The PDF"),
                              409: OpenApiResponse(description="Not ready")})
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request, pk=None):
        return pdf_response(self.get_object())

    @extend_schema(request=None, responses={202: ReportJobSerializer})
    @action(detail=True, methods=["post"], filter_backends=[])
    def rerun(self, request, pk=None):
        job = services.report_rerun(job=self.get_object(), user=request.user)
        return self._accepted(job)

    @extend_schema(request={"multipart/form-data": ReportVerifySerializer},
                   responses=ReportVerifyResultSerializer)
    @action(detail=False, methods=["post"], filter_backends=[],
            parser_classes=[MultiPartParser, FormParser])
    def verify(self, request):
        serializer = ReportVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        digest = hashlib.sha256()
        for chunk in serializer.validated_data["file"].chunks():
            digest.update(chunk)
        sha256 = digest.hexdigest()
        job = selectors.report_job_with_sha256(sha256=sha256)
        visible = job is not None and selectors.report_job_list(user=request.user).filter(
            pk=job.pk).exists()
        return Response({"match": job is not None, "report": job.pk if visible else None,
                         "sha256": sha256})
