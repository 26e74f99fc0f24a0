"""The unread count on the bell in the header (cached per person, cleared on change)."""

from cpc.access import scoping

from .services import unread_count


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not scoping.user_roles(user):
        return {}
    if not hasattr(request, "_cpc_unread_notifications"):  # once a request
        request._cpc_unread_notifications = unread_count(user)
    return {"unread_notifications": request._cpc_unread_notifications}
