from django.urls import path

from . import views

app_name = "contributions"

urlpatterns = [
    path("", views.CompactListView.as_view(), name="compact-list"),
    path("overdue-plans/", views.OverduePlansView.as_view(), name="overdue-plans"),
    path("compacts/<int:pk>/", views.CompactContributionsView.as_view(),
         name="compact-contributions"),
    path("compacts/<int:pk>/export.<str:fmt>", views.ContributionsExportView.as_view(),
         name="export"),
    path("compacts/<int:pk>/import/", views.ContributionImportView.as_view(), name="import"),
    path("compacts/<int:pk>/sustainability-plan/", views.PlanView.as_view(), name="plan"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path("plans/<int:pk>/document/", views.PlanDocumentView.as_view(), name="plan-document"),
]
