from django.urls import path, re_path

from . import views

app_name = "contributions"

urlpatterns = [
    path("", views.CompactListView.as_view(), name="compact-list"),
    path("overdue-plans/", views.OverduePlansView.as_view(), name="overdue-plans"),
    path("compacts/<int:pk>/", views.CompactContributionsView.as_view(),
         name="compact-contributions"),
    path("compacts/<int:pk>/contributions/<int:contribution_pk>/verify/",
         views.ContributionVerifyView.as_view(), name="contribution-verify"),
    path("compacts/<int:pk>/contributions/<int:contribution_pk>/evidence/",
         views.ContributionEvidenceView.as_view(), name="contribution-evidence"),
    path("compacts/<int:pk>/export.<str:fmt>", views.ContributionsExportView.as_view(),
         name="export"),
    path("compacts/<int:pk>/import/", views.ContributionImportView.as_view(), name="import"),
    path("compacts/<int:pk>/sustainability-plan/", views.PlanView.as_view(), name="plan"),
    path("compacts/<int:pk>/sustainability-plan/save/", views.PlanSaveView.as_view(),
         name="plan-save"),
    re_path(r"^compacts/(?P<pk>\d+)/sustainability-plan/(?P<move>request|receive|accept)/$",
            views.PlanMoveView.as_view(), name="plan-move"),
    path("compacts/<int:pk>/sustainability-plan/measures/", views.MeasureAddView.as_view(),
         name="measure-add"),
    path("compacts/<int:pk>/sustainability-plan/measures/<int:measure_pk>/",
         views.MeasureEditView.as_view(), name="measure-edit"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path("plans/<int:pk>/document/", views.PlanDocumentView.as_view(), name="plan-document"),
]
