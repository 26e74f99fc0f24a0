from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cpc.health import healthz
from cpc.views import favicon, private_file

urlpatterns = [
    path("", include("oversight.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("compacts/", include("compacts.urls")),
    path("indicators/", include("indicators.urls")),
    path("dialogues/", include("dialogues.urls")),
    path("contributions/", include("contributions.urls")),
    path("publishing/", include("publishing.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("search/", include("search.urls")),
    path("history/", include("audit.urls")),
    path("work/", include("workspace.urls")),
    # The language picker: Django's set_language, remembering a signed-in user's choice
    # (compacts/language_urls.py answers /i18n/setlang/ before Django's own does).
    path("i18n/", include("compacts.language_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("files/<path:name>", private_file, name="private-file"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cpc.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, and our template of its
    # page has no inline style: the page runs under the site's strict policy.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]

handler400 = "cpc.errors.bad_request"
handler403 = "cpc.errors.permission_denied"
handler404 = "cpc.errors.page_not_found"
handler500 = "cpc.errors.server_error"
