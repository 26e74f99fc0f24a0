"""Error pages: JSON under /api/ (the API contract's shapes), the site's pages elsewhere.

Django answers some errors before any API view runs (a URL no route matches, a refused
CSRF token, a request it finds suspicious); under /api/ those are JSON too, as every API
answer is.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"
# Seconds an API client is asked to wait before trying again while the database is away.
DATABASE_RETRY_AFTER = 30


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


def server_error(request):
    """An API request that failed because the database is unreachable (refused, timed out,
    dropped) answers a JSON 503 with ``Retry-After``, which a client can act on; any other
    failure, and pages, keep Django's 500. Django calls this while handling the exception,
    so ``sys.exc_info()`` names it, whether a view or a middleware (the session, the
    records version) met the database first."""
    error = sys.exc_info()[1]
    if _api(request) and isinstance(error, (OperationalError, InterfaceError)):
        return JsonResponse(
            {"detail": _("The database is unreachable; try again in a moment.")}, status=503,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER)})
    return defaults.server_error(request)
