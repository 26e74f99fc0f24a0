"""Page content and API answers cached per reader scope until the records change.

A fragment is stored under its name and parts, the records version (``cpc.access.cache_version``:
it grows after every committed write to the records) with the database's epoch (a restore or
a copy of the database gets a new one) and the release (``cpc.release``), the
reader's scope (``scoping.scope_key``: roles and countries, so two readers share an entry
only when they may see and do the same things), the language and today's date (statuses fall
due by the calendar); entries also expire after an hour. So a page never shows content older
than the records or computed by another release, and what one reader may see never reaches
another.

What differs per person stays outside the fragment (the header, messages) or is put in
after it is read: a form's CSRF token is rendered as a placeholder and replaced with the
reader's own token on the way out. With the cache unreachable (the fail-open Redis cache) the
content is simply computed.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import scoping
from .cache_version import change_pending, content_version

TIMEOUT_SECONDS = 3600
CSRF_PLACEHOLDER = "cpc-csrf-placeholder-4f1d9c"


def fragment_key(request, name: str, parts: tuple = ()) -> str:
    """The cache key of fragment ``name`` for this request's reader. ``parts``: everything
    else the content depends on (the record's id, query parameters...)."""
    raw = "|".join(map(str, (
        name, content_version(), scoping.scope_key(request.user), get_language(),
        timezone.localdate().isoformat(), *parts)))
    return f"fragment:{name}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


def cached(request, name: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """The value ``compute()`` returns, from the cache when it holds one for this key. After
    a write in the open transaction, computed and not cached (``change_pending``)."""
    if change_pending():
        return compute()
    key = fragment_key(request, name, parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT_SECONDS)
    return value


def cached_html(request, name: str, parts: tuple, template_name: str,
                context: Callable[[], dict]) -> SafeString:
    """``template_name`` rendered with ``context()``, cached; ``context`` is called only when
    the cache has no entry, so the queries behind it run only then."""

    def render() -> str:
        return render_to_string(
            template_name, {**context(), "csrf_token": CSRF_PLACEHOLDER}, request=request)

    html = cached(request, name, parts, render)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # rendered by the template engine, which escaped it


class CachedBodyMixin:
    """For a page view (TemplateView, ListView) whose content depends only on the records,
    the reader's scope and the address: ``get`` renders ``body_template_name`` with the
    view's context into the cache, and the page (``template_name``, whose content block is
    ``{{ body }}``) around it for each reader. The context, and the queries behind it, are
    computed only when the cache has no entry."""

    body_template_name: str

    def fragment_parts(self) -> tuple:
        return (self.request.path, tuple(sorted(self.request.GET.lists())))

    def body_context(self) -> dict:
        if hasattr(self, "get_queryset") and hasattr(self, "paginate_by"):  # ListView
            self.object_list = self.get_queryset()
        return self.get_context_data()

    def get(self, request, *args, **kwargs):
        body = cached_html(request, type(self).__name__, self.fragment_parts(),
                           self.body_template_name, self.body_context)
        return self.render_page(body)

    def page_context(self) -> dict:
        """What the page around the content shows (its title)."""
        return {}

    def render_page(self, body: SafeString):
        from django.shortcuts import render

        return render(self.request, self.template_name, {**self.page_context(), "body": body})
