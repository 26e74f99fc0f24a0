from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("compacts/<int:pk>/", views.CompactDetailView.as_view(), name="compact-detail"),
]
