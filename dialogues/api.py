"""REST endpoints for annual dialogues and their participants, discussions and action
items. Embassy officers write those of their own countries; auditors write nothing."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from compacts.selectors import compact_list, every_compact
from cpc.access.api import ListRetrieveCreateUpdateViewSet
from cpc.access.filters import ScopedFilterSet
from cpc.access.roles import EMBASSY_OFFICER, TIP_STAFF
from cpc.access.scoping import scope_to_changeable
from cpc.api.conditional import ConditionalMixin
from cpc.api.history import HistoryMixin
from cpc.storage import private_file_response
from cpc.uploads import FILE_RESPONSES

from . import proposals, selectors, services
from .models import DialogueStatus, TargetProposal, TargetProposalStatus
from .serializers import (
    ActionItemSerializer,
    AgreedTargetSerializer,
    AttachmentSerializer,
    DecisionSerializer,
    DialogueSerializer,
    DiscussionSerializer,
    HoldSerializer,
    ParticipantSerializer,
    ReasonSerializer,
    SetTargetSerializer,
    TargetProposalSerializer,
)

DIALOGUE_WRITERS = (TIP_STAFF, EMBASSY_OFFICER)


class DialogueViewSet(HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = DialogueSerializer
    filterset_fields = ["compact", "fiscal_year", "status"]
    write_roles = DIALOGUE_WRITERS

    def get_queryset(self):
        return selectors.dialogue_list(user=self.request.user)

    def get_serializer(self, *args, **kwargs):
        user = self.request.user
        kwargs.setdefault("compacts", scope_to_changeable(compact_list(user=user), user))
        kwargs.setdefault("indicators", selectors.changeable_indicators(user=user))
        return super().get_serializer(*args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        key_indicators = data.pop("key_indicators", [])
        data.pop("reason", None)
        serializer.instance = services.dialogue_create(
            user=self.request.user, key_indicators=key_indicators, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        key_indicators = data.pop("key_indicators", None)
        reason = data.pop("reason", "")
        serializer.instance = services.dialogue_update(
            user=self.request.user, dialogue=serializer.instance, data=data,
            key_indicators=key_indicators, reason=reason,
        )

    @extend_schema(request=HoldSerializer, responses=DialogueSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        dialogue = self.get_object()
        payload = HoldSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        dialogue = services.dialogue_move(user=request.user, dialogue=dialogue,
                                          status=DialogueStatus.HELD,
                                          held_on=payload.validated_data["held_on"])
        return Response(self.get_serializer(dialogue).data)

    @extend_schema(request=ReasonSerializer, responses=DialogueSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the record (held, with a summary). When any of the six checks would read
        not met once it is closed, ``reason`` is required (400 naming it otherwise)."""
        dialogue = self.get_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        dialogue = services.dialogue_move(user=request.user, dialogue=dialogue,
                                          status=DialogueStatus.CLOSED,
                                          reason=payload.validated_data["reason"])
        return Response(self.get_serializer(dialogue).data)

    @extend_schema(request=ReasonSerializer, responses=DialogueSerializer)
    @action(detail=True, methods=["post"], write_roles=(TIP_STAFF,))
    def reopen(self, request, pk=None):
        """TIP staff reopen a closed dialogue, with a ``reason`` the history keeps (400
        without one); officers and auditors get 403."""
        dialogue = self.get_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        dialogue = services.dialogue_reopen(dialogue=dialogue, user=request.user,
                                            reason=payload.validated_data["reason"])
        return Response(self.get_serializer(dialogue).data)

    def _nested(self, request, serializer_class, listing, create, **serializer_kwargs):
        dialogue = self.get_object()
        if request.method == "POST":
            payload = serializer_class(data=request.data, **serializer_kwargs)
            payload.is_valid(raise_exception=True)
            created = create(dialogue, payload.validated_data)
            return Response(serializer_class(created).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(listing(dialogue=dialogue))
        return self.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(request=ParticipantSerializer, responses=ParticipantSerializer(many=True))
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def participants(self, request, pk=None):
        return self._nested(
            request, ParticipantSerializer, selectors.participant_list,
            lambda dialogue, data: services.participant_add(user=request.user, dialogue=dialogue,
                                                            **data),
        )

    @extend_schema(request=AttachmentSerializer, responses=AttachmentSerializer(many=True))
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def attachments(self, request, pk=None):
        """The dialogue's documents (agenda, discussion_questions, summary, minutes, other);
        POST one as multipart form data (``kind``, ``title``, ``file``)."""
        return self._nested(
            request, AttachmentSerializer, selectors.dialogue_attachments,
            lambda dialogue, data: services.attachment_add(dialogue=dialogue,
                                                           user=request.user, **data),
        )

    @extend_schema(responses=FILE_RESPONSES)
    @action(detail=True, methods=["get"], filter_backends=[],
            url_path=r"attachments/(?P<attachment_pk>[0-9]+)/file", url_name="attachment-file")
    def attachment_file(self, request, pk=None, attachment_pk=None):
        attachment = get_object_or_404(self.get_object().attachments.all(), pk=attachment_pk)
        return private_file_response(attachment.file)

    @extend_schema(request=DiscussionSerializer, responses=DiscussionSerializer(many=True))
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def discussions(self, request, pk=None):
        return self._nested(
            request, DiscussionSerializer, selectors.discussion_list,
            lambda dialogue, data: services.discussion_record(
                dialogue=dialogue, user=request.user, **data),
            indicators=selectors.changeable_indicators(user=request.user),
        )

    @extend_schema(methods=["get"], responses=TargetProposalSerializer(many=True))
    @extend_schema(methods=["post"], request=AgreedTargetSerializer,
                   responses={201: TargetProposalSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def targets(self, request, pk=None):
        """Targets proposed at the dialogue. POST makes a proposal: an embassy officer's waits
        for TIP staff (``pending``), TIP staff's is accepted at once. GET lists the
        dialogue's proposals, and under ``targets_set`` the targets whose value was set at
        it."""
        dialogue = self.get_object()
        if request.method == "POST":
            payload = AgreedTargetSerializer(
                data=request.data, indicators=selectors.changeable_indicators(user=request.user))
            payload.is_valid(raise_exception=True)
            proposal = proposals.target_propose(user=request.user, dialogue=dialogue,
                                                **payload.validated_data)
            return Response(TargetProposalSerializer(proposal).data,
                            status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.dialogue_target_proposals(dialogue=dialogue))
        response = self.get_paginated_response(TargetProposalSerializer(page, many=True).data)
        response.data["targets_set"] = SetTargetSerializer(
            selectors.targets_set_at(dialogue=dialogue), many=True).data
        return response

    @extend_schema(request=ActionItemSerializer, responses=ActionItemSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="action-items", filter_backends=[])
    def action_items(self, request, pk=None):
        return self._nested(
            request, ActionItemSerializer, selectors.action_item_list,
            lambda dialogue, data: services.action_item_add(user=request.user, dialogue=dialogue,
                                                            **data),
        )


class ActionItemViewSet(HistoryMixin, ConditionalMixin, mixins.RetrieveModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """``PATCH /api/v1/action-items/<id>/`` to mark an item done or dropped."""

    serializer_class = ActionItemSerializer
    write_roles = DIALOGUE_WRITERS
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.visible_action_items(user=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.action_item_update(
            user=self.request.user, item=serializer.instance, data=serializer.validated_data)


class TargetProposalFilter(ScopedFilterSet):
    dialogue = django_filters.ModelChoiceFilter(queryset=selectors.every_dialogue())
    compact = django_filters.ModelChoiceFilter(field_name="dialogue__compact",
                                               queryset=every_compact())
    status = django_filters.ChoiceFilter(choices=TargetProposalStatus.choices)

    class Meta:
        model = TargetProposal
        fields = ["dialogue", "compact", "status", "indicator", "fiscal_year"]


class TargetProposalViewSet(HistoryMixin, ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    """``/api/v1/target-proposals/``: proposals of the dialogues the caller sees; TIP staff
    ``POST .../<id>/accept/`` or ``.../<id>/reject/ {"decision_note"}``."""

    serializer_class = TargetProposalSerializer
    filterset_class = TargetProposalFilter
    write_roles = (TIP_STAFF,)

    def get_queryset(self):
        return selectors.target_proposal_list(user=self.request.user)

    def _decide(self, request, decide):
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        proposal = decide(user=request.user, proposal=self.get_object(),
                          decision_note=payload.validated_data["decision_note"])
        return Response(self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data)

    @extend_schema(request=DecisionSerializer, responses=TargetProposalSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        """Accept: the target takes the proposed value (409 when it changed meanwhile)."""
        return self._decide(request, proposals.target_proposal_accept)

    @extend_schema(request=DecisionSerializer, responses=TargetProposalSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None):
        """Reject with a ``decision_note`` saying why; the target does not change."""
        return self._decide(request, proposals.target_proposal_reject)
