"""The base viewset every app's API is built on: list, detail, create and PATCH,
never DELETE nor PUT; list pages cached per reader scope (``cpc.access.fragments``)."""

from rest_framework import mixins, viewsets
from rest_framework.response import Response

from cpc.api.conditional import ConditionalMixin

from . import fragments


class ListRetrieveCreateUpdateViewSet(
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """GET list and detail, POST and PATCH; no DELETE, and no PUT (PATCH is the contract).
    Details answer an ETag; writes with If-Match are checked (cpc.api.conditional)."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def list(self, request, *args, **kwargs):
        """A list page answers from the cache while the records stand still: keyed by the
        address (path, query, host and scheme: the page links carry them), the reader's
        scope and the records version (cpc.access.fragments). An invalid filter raises before
        anything is stored."""
        parts = (request.get_full_path(), request.get_host(), request.scheme)
        data = fragments.cached(request, f"api-list:{self.basename}", parts,
                                lambda: super(ListRetrieveCreateUpdateViewSet, self).list(
                                    request, *args, **kwargs).data)
        return Response(data)
