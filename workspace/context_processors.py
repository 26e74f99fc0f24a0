"""The count beside "My work" in the header, for signed-in users with a role."""

from cpc.access import fragments, scoping

from .queues import work_count


def my_work(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not scoping.user_roles(user):
        return {}
    # Cached like page content: under the records version and the reader's scope; read once
    # a request (a page rendering its cached content renders twice).
    if not hasattr(request, "_cpc_my_work_count"):
        request._cpc_my_work_count = fragments.cached(request, "my-work-count", (),
                                                      lambda: work_count(user))
    return {"my_work_count": request._cpc_my_work_count}
