"""GET /search/?q=...: matches of every kind, a few each with a link to all of one kind
(?kind=..., paginated)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views import View

from cpc.access.views import RoleRequiredMixin

from . import services

PER_KIND = 5
PAGE_SIZE = 20


class SearchView(RoleRequiredMixin, View):
    template_name = "search/results.html"

    def get(self, request):
        query = request.GET.get("q", "").strip()[:200]
        kind = services.KINDS_BY_SLUG.get(request.GET.get("kind", ""))
        context = {"query": query, "kind": kind, "min_length": services.MIN_LENGTH}
        if not services.usable(query):
            context["too_short"] = bool(query)
            return render(request, self.template_name, context)
        user = request.user
        if kind is not None:
            page = Paginator(services.matches(kind, user=user, query=query),
                             PAGE_SIZE).get_page(request.GET.get("page"))
            context |= {"groups": [(kind, list(page.object_list), page.paginator.count)],
                        "page_obj": page, "paginator": page.paginator,
                        "is_paginated": page.has_other_pages()}
        else:
            groups = []
            for each in services.KINDS:
                found = services.matches(each, user=user, query=query)
                rows = list(found[:PER_KIND])
                count = len(rows) if len(rows) < PER_KIND else found.count()
                groups.append((each, rows, count))
            context["groups"] = groups
        context["total"] = sum(count for _kind, _rows, count in context["groups"])
        return render(request, self.template_name, context)
