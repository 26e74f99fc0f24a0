from django.urls import path

from . import finance_views, views

app_name = "compacts"

urlpatterns = [
    path("", views.CompactListView.as_view(), name="compact-list"),
    path("guidance/<int:pk>/document/", views.GuidanceDocumentView.as_view(),
         name="guidance-document"),
    path("awards/<int:pk>/finances/", finance_views.AwardFinanceEditView.as_view(),
         name="award-finances"),
    path("<int:pk>/finances/import/", finance_views.FinanceImportView.as_view(),
         name="finance-import"),
    path("<int:pk>/finances.csv", finance_views.FinanceCSVView.as_view(), name="finance-csv"),
]
