"""GET /api/v1/iati/activities.xml: the compacts the caller may see, as IATI 2.03 activities.

Sign-in and a role are needed as everywhere in the API (``RolePermission``): anonymous
callers get 401, users without a role 403; embassy officers get their countries' compacts,
implementers the compacts where their organisation holds an award (``compact_list``).
"""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from . import exports


class IatiActivitiesView(APIView):
    def perform_content_negotiation(self, request, force=False):
        """The file is XML whatever the client accepts; errors stay JSON like the rest of the
        API. So a client asking for ``application/xml`` is not refused with a 406."""
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="iati_activities",
        summary="The compacts as IATI 2.03 activities",
        description="An `iati-activities` document (IATI 2.03) with one `iati-activity` per "
                    "compact the caller may see that has a start date. See docs/iati.md.",
        responses={(200, "application/xml"): OpenApiResponse(
            response=OpenApiTypes.STR, description="The IATI activity file")},
    )
    def get(self, request):
        body = exports.iati_activities_xml(user=request.user)
        return HttpResponse(body, content_type=exports.CONTENT_TYPE)
