"""The IATI file as a download for TIP staff, who publish it (the API serves every role)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views import View

from cpc.access import scoping
from cpc.access.views import RoleRequiredMixin

from . import exports

ERR_STAFF_ONLY = "Only TIP Office staff download the IATI file here; use the API."


class IatiDownloadView(RoleRequiredMixin, View):
    def get(self, request):
        if not scoping.is_tip_staff(request.user):
            raise PermissionDenied(ERR_STAFF_ONLY)
        response = HttpResponse(exports.iati_activities_xml(user=request.user),
                                content_type=exports.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{exports.download_filename()}"'
        return response
