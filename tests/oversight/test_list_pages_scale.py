"""Every list page does the same work whatever the size of the portfolio: the same number of
queries and about the same number of bytes for a page of rows at 5 and at 60 generated
compacts (pages made small so that both sizes fill them)."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compacts import views as compact_views
from contributions import views as contribution_views
from cpc.api.pagination import PageNumberPagination
from oversight import views as oversight_views

PAGE = 3
PAGES = ["/compacts/", "/contributions/", "/contributions/overdue-plans/",
         "/oversight/upcoming-dialogues/", "/api/v1/compacts/", "/api/v1/results/",
         "/api/v1/dialogues/", "/api/v1/contributions/", "/api/v1/indicators/"]


def generate(compacts):
    call_command("generate_portfolio", compacts=compacts, seed=5, stdout=io.StringIO())


def measure(client, path):
    cache.clear()
    client.get(path)  # the first request of a path may fill per-process caches
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries.captured_queries), len(response.content), response


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(compact_views.CompactListView, "paginate_by", PAGE)
    monkeypatch.setattr(contribution_views.CompactListView, "paginate_by", PAGE)
    monkeypatch.setattr(contribution_views.OverduePlansView, "paginate_by", 1)
    monkeypatch.setattr(oversight_views, "DASHBOARD_PAGE_SIZE", 1)
    monkeypatch.setattr(PageNumberPagination, "page_size", PAGE)


def test_list_pages_do_the_same_work_at_5_and_60_compacts(client, staff_user, private_storage,
                                                          settings, small_pages):
    settings.DEBUG = True
    client.force_login(staff_user)
    generate(5)
    small = {path: measure(client, path) for path in PAGES}
    for path, (_, _, response) in small.items():
        rows = response.json()["results"] if path.startswith("/api/") else (
            response.context["page_obj"].object_list)
        assert len(rows) >= 1, f"{path}: the small portfolio must fill a page"
    generate(60)
    for path in PAGES:
        queries, size, response = measure(client, path)
        assert queries == small[path][0], f"{path}: {small[path][0]} then {queries} queries"
        assert size == pytest.approx(small[path][1], rel=0.15), path
        if path.startswith("/api/"):
            assert response.json()["count"] > PAGE
        else:
            assert response.context["paginator"].num_pages > 1, path
