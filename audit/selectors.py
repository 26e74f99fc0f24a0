"""Every read the history and access pages make, scoped where the record has a country."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.http import Http404

from compacts.models import Compact
from cpc.access import scoping

from .history import KINDS_BY_SLUG
from .models import AuthEvent


def latest_history_row(kind_slug: str, record_id: int):
    """The latest history row of a record (it may have been deleted since)."""
    model = KINDS_BY_SLUG[kind_slug].history_model
    return model.objects.filter(id=record_id).order_by("-history_date", "-history_id").first()


def compact_id_of(kind_slug: str, record_id: int, row=None) -> int:
    """The compact a record belongs to, from the history tables (404 if it never existed);
    ``row``: the record's latest history row, when the caller has read it already."""
    kind = KINDS_BY_SLUG[kind_slug]
    row = row if row is not None else latest_history_row(kind_slug, record_id)
    if row is None:
        raise Http404("No history for this record.")
    if kind.compact_field:
        return getattr(row, kind.compact_field)
    return compact_id_of(kind.parent, getattr(row, kind.parent_field))


def visible_compact(user, compact_id: int) -> Compact | None:
    """The compact, when ``user`` may see it."""
    return (scoping.scope_to_visible(Compact.objects.select_related("country"), user)
            .filter(pk=compact_id).first())


def role_holders():
    """People who hold a role (the history of others, who write nothing, would be empty)."""
    return (get_user_model().objects.filter(groups__isnull=False).distinct()
            .order_by("username"))


def auth_events(*, kind: str | None = None, user_id: int | None = None,
                since: dt.datetime | None = None, until: dt.datetime | None = None):
    """Auth events, newest first, narrowed by whichever filters are given."""
    events = AuthEvent.objects.select_related("user").order_by("-at", "-pk")
    if kind is not None:
        events = events.filter(kind=kind)
    if user_id is not None:
        events = events.filter(user_id=user_id)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events
