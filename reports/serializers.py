from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from compacts.models import Compact
from cpc.fiscal import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN
from cpc.uploads import validate_pdf_upload

from .models import ReportJob, ReportKind, ReportStatus


class ReportJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        # ``dispatched`` false with status ``queued``: saved, waiting for the report queue to
        # come back (``enqueue_error`` says why it could not be handed over).
        fields = ["id", "kind", "compact", "fiscal_year", "status", "progress", "error",
                  "requested_by", "requested_at", "finished_at", "sha256", "page_count",
                  "data_as_of", "download_url", "dispatched", "enqueue_error"]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.status != ReportStatus.SUCCEEDED:
            return None
        path = reverse("report-download", kwargs={"pk": job.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


@extend_schema_field(OpenApiTypes.INT)
class CompactIdField(serializers.PrimaryKeyRelatedField):
    """A compact id (the schema cannot infer it: the serializer has no model)."""


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    # Scoped to the caller's compacts by the view: another country's compact is "invalid".
    compact = CompactIdField(queryset=Compact.objects.none(),
                                                 required=False, allow_null=True)
    fiscal_year = serializers.IntegerField(min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX)

    def __init__(self, *args, compacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compact"].queryset = compacts


class ReportVerifySerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, validators=[validate_pdf_upload])


class ReportVerifyResultSerializer(serializers.Serializer):
    match = serializers.BooleanField()
    report = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()
