from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("compacts/<int:pk>/", views.CompactDetailView.as_view(), name="compact-detail"),
    path("compacts/<int:pk>/fiscal-years/<int:fiscal_year>/<str:decision>/",
         views.FiscalYearDecisionView.as_view(), name="fiscal-year-decision"),
    path("oversight/upcoming-dialogues/", views.UpcomingDialoguesView.as_view(),
         name="upcoming-dialogues"),
    path("oversight/recommendations/", views.GaoRecommendationListView.as_view(),
         name="gao-recommendations"),
    path("oversight/recommendations/<int:pk>/actions/", views.GaoActionAddView.as_view(),
         name="gao-action-add"),
    path("oversight/recommendations/<int:pk>/status/", views.GaoStatusChangeView.as_view(),
         name="gao-status-change"),
    path("oversight/recommendations/actions/<int:pk>/evidence/",
         views.GaoActionEvidenceView.as_view(), name="gao-action-evidence"),
]
