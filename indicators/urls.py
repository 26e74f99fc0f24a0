from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("compact/<int:compact_id>/export.csv", views.IndicatorTableExportView.as_view(),
         {"fmt": "csv"}, name="indicator-table-csv"),
    path("compact/<int:compact_id>/export.xlsx", views.IndicatorTableExportView.as_view(),
         {"fmt": "xlsx"}, name="indicator-table-xlsx"),
]
