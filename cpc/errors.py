"""Error pages: JSON under /api/ (the API contract's shapes), the site's pages elsewhere.

Django answers some errors before any API view runs (a URL no route matches, a refused
CSRF token, a request it finds suspicious); under /api/ those are JSON too, as every API
answer is.
"""

from django.http import JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def _api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception):
    if _api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."},
                            status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
