"""``GET /api/v1/audit-events/``: the auth events for TIP staff and auditors, paginated like
every list, filtered by ``kind``, ``user`` (an account id), ``since`` and ``until`` (dates
or date-times); ``?format=jsonl`` streams every matching event as JSON lines
(``application/x-ndjson``) for an agency's SIEM."""

import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer

from cpc.access.scoping import sees_every_country, user_roles

from . import selectors
from .models import AuthEvent, AuthEventKind

ERR_STAFF_AND_AUDITORS = "Only TIP staff and auditors read the auth events."
ERR_NO_ROLE = "Your account has no CPC Oversight role."
JSONL_CHUNK = 500


class StaffOrAuditor(BasePermission):
    message = ERR_STAFF_AND_AUDITORS

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if not user_roles(user):
            self.message = ERR_NO_ROLE
            return False
        return sees_every_country(user)


class JSONLinesRenderer(BaseRenderer):
    """Chosen by ``?format=jsonl``; the view answers with a streamed body of its own."""

    media_type = "application/x-ndjson"
    format = "jsonl"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Errors (400, 403) reach here as one JSON object: one line.
        return (json.dumps(data, cls=DjangoJSONEncoder) + "\n").encode()


class AuthEventSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = AuthEvent
        fields = ["id", "at", "kind", "username", "user", "client_ip", "user_agent", "detail"]
        read_only_fields = fields


class AuthEventFilters(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AuthEventKind.choices, required=False)
    user = serializers.IntegerField(required=False, min_value=1)
    since = serializers.CharField(required=False)
    until = serializers.CharField(required=False)

    def _moment(self, value: str, *, end: bool) -> dt.datetime:
        """A date (the whole day) or an ISO date-time (a zone-less one in the site's zone)."""
        try:
            if len(value) == 10:
                day = dt.date.fromisoformat(value)
                moment = dt.datetime.combine(day + dt.timedelta(days=1 if end else 0),
                                             dt.time.min)
            else:
                moment = dt.datetime.fromisoformat(value)
        except ValueError as error:
            raise serializers.ValidationError(
                "Give a date (YYYY-MM-DD) or an ISO 8601 date-time.") from error
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    def validate_since(self, value):
        return self._moment(value, end=False)

    def validate_until(self, value):
        return self._moment(value, end=True)


FILTER_PARAMETERS = [
    OpenApiParameter("kind", OpenApiTypes.STR, enum=AuthEventKind.values),
    OpenApiParameter("user", OpenApiTypes.INT, description="The account's id."),
    OpenApiParameter("since", OpenApiTypes.STR,
                     description="From this date (YYYY-MM-DD) or date-time (ISO 8601)."),
    OpenApiParameter("until", OpenApiTypes.STR,
                     description="To this date (inclusive) or before this date-time."),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "jsonl"],
                     description="jsonl: every matching event, one JSON object a line "
                                 "(application/x-ndjson), not paginated."),
]


class AuthEventListView(ListAPIView):
    """Sign-ins, failures, lockouts, second-factor enrolment, token creation and revocation,
    role and scope changes, year unlocks and disabled accounts, newest first."""

    serializer_class = AuthEventSerializer
    permission_classes = [StaffOrAuditor]
    renderer_classes = [JSONRenderer, JSONLinesRenderer]
    filter_backends = []

    def get_queryset(self):
        filters = AuthEventFilters(data=self.request.query_params)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        data = filters.validated_data
        return selectors.auth_events(kind=data.get("kind"), user_id=data.get("user"),
                                     since=data.get("since"), until=data.get("until"))

    @extend_schema(parameters=FILTER_PARAMETERS, responses={
        200: AuthEventSerializer(many=True),
        400: OpenApiResponse(description="A filter that is not valid, named."),
        401: OpenApiResponse(description="Not signed in."),
        403: OpenApiResponse(description="Not TIP staff or an auditor.")})
    def get(self, request, *args, **kwargs):
        if request.accepted_renderer.format == JSONLinesRenderer.format:
            return self.jsonl(self.get_queryset())
        return super().get(request, *args, **kwargs)

    def jsonl(self, events):
        def lines():
            for event in events.iterator(chunk_size=JSONL_CHUNK):
                yield json.dumps(AuthEventSerializer(event).data, cls=DjangoJSONEncoder) + "\n"

        response = StreamingHttpResponse(lines(), content_type="application/x-ndjson")
        response["Content-Disposition"] = (
            f'attachment; filename="audit-events-{timezone.localdate().isoformat()}.jsonl"')
        return response
