from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportCenterView.as_view(), name="report-center"),
    path("jobs/", views.JobListPartialView.as_view(), name="job-table"),
    path("<int:pk>/download/", views.ReportDownloadView.as_view(), name="report-download"),
    path("<int:pk>/rerun/", views.ReportRerunView.as_view(), name="report-rerun"),
]
