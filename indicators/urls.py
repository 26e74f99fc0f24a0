from django.urls import path

from . import evaluation_views, views

app_name = "indicators"

urlpatterns = [
    path("standard/", views.StandardComparisonView.as_view(), name="standard-comparison"),
    path("standard/export.csv", views.StandardComparisonExportView.as_view(),
         name="standard-comparison-csv"),
    path("compact/<int:compact_id>/", views.CompactIndicatorsView.as_view(),
         name="compact-indicators"),
    path("compact/<int:compact_id>/data-entry/", views.DataEntryView.as_view(),
         name="data-entry"),
    path("compact/<int:compact_id>/bulk/", views.BulkUploadView.as_view(), name="bulk-upload"),
    path("compact/<int:compact_id>/bulk/template.xlsx", views.BulkTemplateView.as_view(),
         name="bulk-template"),
    path("compact/<int:compact_id>/results/<int:result_id>/approve/",
         views.ResultReviewView.as_view(), {"action": "approve"}, name="result-approve"),
    path("compact/<int:compact_id>/results/<int:result_id>/return/",
         views.ResultReviewView.as_view(), {"action": "return"}, name="result-return"),
    path("compact/<int:compact_id>/results/<int:result_id>/documents/",
         views.ResultDocumentsView.as_view(), name="result-documents"),
    path("documents/<int:pk>/", views.ResultDocumentDownloadView.as_view(),
         name="result-document"),
    path("compact/<int:compact_id>/export.csv", views.IndicatorTableExportView.as_view(),
         {"fmt": "csv"}, name="indicator-table-csv"),
    path("compact/<int:compact_id>/export.xlsx", views.IndicatorTableExportView.as_view(),
         {"fmt": "xlsx"}, name="indicator-table-xlsx"),
    path("compact/<int:compact_id>/evaluations/new/",
         evaluation_views.EvaluationNewView.as_view(), name="evaluation-new"),
    path("evaluations/<int:pk>/", evaluation_views.EvaluationEditView.as_view(),
         name="evaluation-edit"),
    path("evaluations/<int:pk>/document/", evaluation_views.EvaluationDocumentView.as_view(),
         name="evaluation-document"),
]
