"""Who the client is behind proxies, and the response headers every page carries.

See docs/security.md for the whole picture (lockout, tokens, CSP, sessions).
"""

from django.conf import settings

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"


def client_ip(request) -> str:
    """The client's address, as the login lockout (django-axes) counts it.

    ``X-Forwarded-For`` is believed only as far as ``TRUSTED_PROXY_COUNT`` proxies of our own
    wrote it: each appends the address it saw, so the client is the entry that many places
    from the right, and whatever the client itself put to the left is ignored. With no
    trusted proxy (the default) the header is ignored and the socket's address counts. This
    is DRF's rule for ``NUM_PROXIES`` (set to the same number), so the token throttle and the
    lockout see the same client.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(count, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


class PermissionsPolicyMiddleware:
    """Pages may not use the camera, the microphone, the location or payments."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
