"""Indicator pages: the downloadable indicator performance tracking table of a compact.
Querysets come from the selectors, so a compact outside the user's countries is a 404."""

from django.http import HttpResponse
from django.utils.text import slugify
from django.views import View

from compacts.views import RoleRequiredMixin

from . import exports, selectors

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class IndicatorTableExportView(RoleRequiredMixin, View):
    """GET /indicators/compact/<id>/export.csv or .xlsx (any role may read; scoped)."""

    def get(self, request, compact_id: int, fmt: str):
        compact = selectors.compact_for_indicator_table(user=request.user, compact_id=compact_id)
        indicators, progress = selectors.indicator_table(user=request.user, compact=compact)
        header, rows = exports.tracking_table(compact, indicators, progress)
        filename = f"{slugify(compact.title)}-indicators.{fmt}"
        if fmt == "csv":
            response = HttpResponse(exports.as_csv(header, rows),
                                    content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(exports.as_xlsx(compact, header, rows),
                                    content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
