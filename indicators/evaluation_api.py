"""``/api/v1/evaluations/``: a compact's evaluations (``?compact=``), read by whoever may
see the compact; TIP staff record them on the compact's pages."""

import django_filters
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from compacts.selectors import every_compact
from cpc.access.filters import ScopedFilterSet
from cpc.api.conditional import ConditionalMixin

from .evaluation_selectors import evaluation_list
from .evaluations import Evaluation


class EvaluationSerializer(serializers.ModelSerializer):
    implementer = serializers.SlugRelatedField(slug_field="name", read_only=True,
                                               allow_null=True)
    indicators = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = ["id", "compact", "kind", "title", "fieldwork_start", "fieldwork_end",
                  "published_on", "implementer", "design", "key_findings", "document_url",
                  "indicators", "recorded_at", "is_sample"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_document_url(self, evaluation) -> str | None:
        if not evaluation.document:
            return None
        return reverse("indicators:evaluation-document", args=[evaluation.pk])


class EvaluationFilter(ScopedFilterSet):
    compact = django_filters.ModelChoiceFilter(queryset=every_compact())

    class Meta:
        model = Evaluation
        fields = ["compact", "kind"]


class EvaluationViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter

    def get_queryset(self):
        return evaluation_list(user=self.request.user)
