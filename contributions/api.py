"""REST endpoints for contributions, sustainability plans, their status moves and follow-ups.

Querysets come from the selectors, so an object outside the caller's countries is a 404;
``write_roles`` (read by cpc.access.permissions.RolePermission) names who may write.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from cpc import reauth
from cpc.access.api import ListRetrieveCreateUpdateViewSet
from cpc.access.roles import EMBASSY_OFFICER, TIP_STAFF
from cpc.api.history import HistoryMixin
from cpc.storage import private_file_response
from cpc.uploads import FILE_RESPONSES

from . import selectors, services
from .serializers import (
    ContributionSerializer,
    FollowUpSerializer,
    PlanReceiveSerializer,
    PlanRequestSerializer,
    SustainabilityPlanSerializer,
)


class ContributionViewSet(HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = ContributionSerializer
    filterset_fields = ["compact", "fiscal_year", "kind", "verified"]

    @property
    def write_roles(self):
        if self.action == "verify":
            return (TIP_STAFF,)
        return (TIP_STAFF, EMBASSY_OFFICER)

    def get_queryset(self):
        return selectors.contribution_list(user=self.request.user)

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        fields = getattr(serializer, "fields", {})
        user = self.request.user
        if "compact" in fields:
            # Another country's compact is a 400 ("does not exist"), not a write there.
            fields["compact"].queryset = selectors.changeable_compact_list(user=user)
        if "recorded_at_dialogue" in fields:
            fields["recorded_at_dialogue"].queryset = selectors.dialogue_list(user=user)
        return serializer

    @extend_schema(request=None, responses=ContributionSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def verify(self, request, pk=None):
        contribution = self.get_object()
        reauth.api_require_recent_auth(request)  # verifying needs a recent sign-in
        contribution = services.contribution_verify(contribution=contribution,
                                                    user=request.user)
        return Response(self.get_serializer(contribution).data)

    @extend_schema(responses=FILE_RESPONSES)
    @action(detail=True, methods=["get"], filter_backends=[])
    def evidence(self, request, pk=None):
        return private_file_response(self.get_object().evidence)


class SustainabilityPlanViewSet(HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = SustainabilityPlanSerializer
    filterset_fields = ["compact", "status"]

    @property
    def write_roles(self):
        # Officers follow plans up in their countries; everything else is staff work.
        if self.action == "follow_ups":
            return (TIP_STAFF, EMBASSY_OFFICER)
        return (TIP_STAFF,)

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user)

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "compact" in getattr(serializer, "fields", {}):
            serializer.fields["compact"].queryset = selectors.changeable_compact_list(
                user=self.request.user
            )
        return serializer

    def _moved(self, plan):
        plan = selectors.plan_list(user=self.request.user).get(pk=plan.pk)
        return Response(SustainabilityPlanSerializer(plan).data)

    @extend_schema(request=PlanRequestSerializer, responses=SustainabilityPlanSerializer)
    @action(detail=True, methods=["post"], url_path="request", url_name="request",
            filter_backends=[])
    def request_plan(self, request, pk=None):
        # Not named ``request``: that attribute is the HTTP request on every view.
        plan = self.get_object()
        serializer = PlanRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._moved(services.plan_request(user=request.user, plan=plan,
                                                 **serializer.validated_data))

    @extend_schema(request=PlanReceiveSerializer, responses=SustainabilityPlanSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def receive(self, request, pk=None):
        plan = self.get_object()
        serializer = PlanReceiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._moved(services.plan_receive(user=request.user, plan=plan,
                                                 **serializer.validated_data))

    @extend_schema(request=None, responses=SustainabilityPlanSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        return self._moved(services.plan_accept(user=request.user, plan=self.get_object()))

    @extend_schema(request=FollowUpSerializer, responses=FollowUpSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="follow-ups", filter_backends=[])
    def follow_ups(self, request, pk=None):
        plan = self.get_object()
        if request.method == "POST":
            serializer = FollowUpSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            follow_up = services.follow_up_create(plan=plan, user=request.user,
                                                  **serializer.validated_data)
            return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.follow_up_list(user=request.user, plan=plan))
        return self.get_paginated_response(FollowUpSerializer(page, many=True).data)

    @extend_schema(responses=FILE_RESPONSES)
    @action(detail=True, methods=["get"], filter_backends=[])
    def document(self, request, pk=None):
        return private_file_response(self.get_object().document)
