"""/api/v1/: each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    # Signing in for a token: the password (compacts.api.TokenView), then the second factor.
    path("", include("accounts.api_urls")),
    path("", include("compacts.api_urls")),
    path("", include("indicators.api_urls")),
    path("", include("dialogues.api_urls")),
    path("", include("contributions.api_urls")),
    path("", include("publishing.api_urls")),
    path("", include("oversight.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("audit.api_urls")),
]
