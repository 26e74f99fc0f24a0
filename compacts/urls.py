from django.urls import path

from . import finance_views, record_views, views
from .partnership import views as partnership

app_name = "compacts"

urlpatterns = [
    path("", views.CompactListView.as_view(), name="compact-list"),
    path("guidance/<int:pk>/document/", views.GuidanceDocumentView.as_view(),
         name="guidance-document"),
    path("<int:pk>/selection/", record_views.SelectionRecordView.as_view(),
         name="selection-record"),
    path("countries/<int:pk>/tiers/", record_views.TierRankingsView.as_view(),
         name="tier-rankings"),
    path("<int:pk>/document/", partnership.DocumentView.as_view(), name="document"),
    path("<int:pk>/document/edit/", partnership.DocumentEditView.as_view(),
         name="document-edit"),
    path("<int:pk>/document/file/", partnership.DocumentFileView.as_view(),
         name="document-file"),
    path("<int:pk>/pledges/", partnership.PledgesView.as_view(), name="pledges"),
    path("pledges/<int:pk>/", partnership.PledgeEditView.as_view(), name="pledge-edit"),
    path("awards/<int:pk>/finances/", finance_views.AwardFinanceEditView.as_view(),
         name="award-finances"),
    path("<int:pk>/finances/import/", finance_views.FinanceImportView.as_view(),
         name="finance-import"),
    path("<int:pk>/finances.csv", finance_views.FinanceCSVView.as_view(), name="finance-csv"),
]
