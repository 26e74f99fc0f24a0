"""ETag and If-Match: a client that writes what it read earlier learns when the record changed
in between, instead of overwriting someone else's change (API contract v1.1).

One mechanism for every resource: the ETag of a record is a hash of its representation, the
JSON the API answers for ``GET /<resource>/<id>/``. Anything a reader can see change changes
it: the record's own fields, its nested lists (objectives, measures, disaggregations, key
indicators) and the figures computed from other records. A write that carries ``If-Match``
is checked against the representation of the record as it is now, read under a row lock
inside the write's transaction, so nothing can change between the check and the write; a
mismatch is ``412 Precondition Failed`` and nothing is written. Without ``If-Match`` there is
no check (the header is optional).

Checked: ``PATCH``/``PUT``/``DELETE`` of ``/<id>/`` and the POST actions that change the
record itself (``/<id>/verify/``, ``/approve/``, ``/hold/``...). Not checked: the nested
collections such as ``/<id>/participants/``, whose POST adds a record of its own.
"""

import hashlib
import json

from django.db import transaction
from rest_framework import exceptions, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.utils.encoders import JSONEncoder

ERR_PRECONDITION_FAILED = (
    "This record changed since you read it: its ETag no longer matches If-Match. Read it "
    "again (GET), apply your change to what is there now, and send the new ETag."
)
DETAIL_WRITES = ("update", "partial_update", "destroy")


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = ERR_PRECONDITION_FAILED
    default_code = "precondition_failed"


def etag_for(representation) -> str:
    """A strong ETag for a record's representation (the data the serializer gives)."""
    payload = json.dumps(representation, cls=JSONEncoder, sort_keys=True,
                         separators=(",", ":"), ensure_ascii=False)
    return '"' + hashlib.sha256(payload.encode()).hexdigest()[:32] + '"'


def if_match_tags(header: str) -> list[str]:
    """The entity tags of an If-Match header. Weak tags (``W/"..."``) never match a write."""
    return [tag.strip() for tag in header.split(",") if tag.strip()]


class ConditionalMixin:
    """For a viewset: ``ETag`` on ``GET /<id>/`` (and on ``PATCH``/``PUT`` answers), and the
    ``If-Match`` check of writes to ``/<id>/``."""

    def dispatch(self, request, *args, **kwargs):
        if request.method not in SAFE_METHODS and request.META.get("HTTP_IF_MATCH"):
            # The check and the write share one transaction, and the check holds the row.
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        # Set here rather than by overriding retrieve/update, which would make the router
        # offer those methods on read-only viewsets.
        if response.status_code == status.HTTP_200_OK:
            if self.action == "retrieve":
                response["ETag"] = etag_for(response.data)
            elif self.action in ("update", "partial_update"):
                fresh = self.get_queryset().filter(pk=kwargs.get("pk")).first()
                if fresh is not None:
                    response["ETag"] = self.current_etag(fresh)
        return super().finalize_response(request, response, *args, **kwargs)

    def checks_precondition(self) -> bool:
        request = self.request
        if request.method in SAFE_METHODS or not request.META.get("HTTP_IF_MATCH"):
            return False
        if self.action in DETAIL_WRITES:
            return True
        handler = getattr(self, self.action or "", None)
        methods = getattr(handler, "mapping", None) or {}
        return bool(getattr(handler, "detail", False)) and "get" not in methods

    def get_object(self):
        instance = super().get_object()
        if self.checks_precondition() and not getattr(self, "_precondition_checked", False):
            self._precondition_checked = True
            self.check_precondition(instance)
        return instance

    def current_etag(self, instance) -> str:
        return etag_for(self.get_serializer(instance).data)

    def check_precondition(self, instance) -> None:
        """412 unless the record, read again under a row lock, still has an ETag the client
        named in If-Match (``*``: any current version)."""
        model = type(instance)
        list(model._default_manager.select_for_update().filter(pk=instance.pk)
             .values_list("pk", flat=True))
        current = self.get_queryset().get(pk=instance.pk)
        tags = if_match_tags(self.request.META["HTTP_IF_MATCH"])
        if "*" not in tags and self.current_etag(current) not in tags:
            raise PreconditionFailed()
