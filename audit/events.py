"""Recording auth events (``audit.models.AuthEvent``): one function that every receiver calls,
reading the client's address as the lockout does (``cpc.security.client_ip``)."""

from typing import Any

from simple_history.models import HistoricalRecords

from cpc.acting import acting_now
from cpc.security import client_ip

from .models import USER_AGENT_MAX_LENGTH, USERNAME_MAX_LENGTH, AuthEvent


def current_request():
    """The request being answered, when a signal does not pass it (django-simple-history's
    ``HistoryRequestMiddleware`` keeps it for the history rows' user)."""
    return getattr(HistoricalRecords.context, "request", None)


def acting_username(request=None) -> str:
    """Who is making a change: the signed-in user of the request, else the acting user of a
    command or task (``cpc.acting``), else "" (the program itself)."""
    request = request or current_request()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.get_username()
    acting = acting_now()
    if acting is not None:
        acting_user, reason = acting
        if acting_user is not None:
            return acting_user.get_username()
        return reason and f"({reason})"
    return ""


def record(kind: str, *, user=None, username: str = "", request=None,
           detail: dict[str, Any] | None = None) -> AuthEvent:
    """Add one auth event. ``request`` defaults to the request being answered, if any."""
    request = request if request is not None else current_request()
    if not username and user is not None:
        username = user.get_username()
    ip, agent = "", ""
    if request is not None:
        ip = client_ip(request)
        agent = request.META.get("HTTP_USER_AGENT", "")
    return AuthEvent.objects.create(
        kind=kind, user=user if user is not None and user.pk else None,
        username=(username or "")[:USERNAME_MAX_LENGTH], client_ip=ip[:64],
        user_agent=agent[:USER_AGENT_MAX_LENGTH], detail=detail or {})
