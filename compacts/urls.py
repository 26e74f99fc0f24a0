from django.urls import path

from . import record_views, views

app_name = "compacts"

urlpatterns = [
    path("", views.CompactListView.as_view(), name="compact-list"),
    path("guidance/<int:pk>/document/", views.GuidanceDocumentView.as_view(),
         name="guidance-document"),
    path("<int:pk>/selection/", record_views.SelectionRecordView.as_view(),
         name="selection-record"),
    path("countries/<int:pk>/tiers/", record_views.TierRankingsView.as_view(),
         name="tier-rankings"),
]
