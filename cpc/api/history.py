"""Change history of any record: who changed what and when (django-simple-history)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def history_entries(instance) -> list[dict]:
    """Every historical version of ``instance``, newest first, each with its field changes."""
    records = list(instance.history.select_related("history_user").order_by("history_date",
                                                                              "history_id"))
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            changes = [
                {"field": change.field, "old": _plain(change.old), "new": _plain(change.new)}
                for change in delta.changes
            ]
        entries.append(
            {
                "history_id": record.history_id,
                "date": record.history_date,
                "action": HISTORY_TYPES.get(record.history_type, record.history_type),
                "user": record.history_user.get_username() if record.history_user else None,
                "reason": record.history_change_reason,
                "changes": changes,
            }
        )
        previous = record
    entries.reverse()
    return entries


def _plain(value):
    if isinstance(value, list | dict | int | float | bool) or value is None:
        return value
    return str(value)


class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    date = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    user = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True)
    changes = serializers.ListField(
        child=inline_serializer(
            "HistoryChange",
            fields={
                "field": serializers.CharField(),
                "old": serializers.JSONField(),
                "new": serializers.JSONField(),
            },
        )
    )


class HistoryMixin:
    """Adds ``GET <resource>/<id>/history/`` to a viewset, scoped like the object itself."""

    @extend_schema(responses=HistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        instance = self.get_object()
        entries = history_entries(instance)
        page = self.paginate_queryset(entries)
        if page is not None:
            return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)
        return Response(HistoryEntrySerializer(entries, many=True).data)
