from django.urls import path

from . import views

app_name = "compacts"

urlpatterns = [
    path("", views.CompactListView.as_view(), name="compact-list"),
    path("guidance/<int:pk>/document/", views.GuidanceDocumentView.as_view(),
         name="guidance-document"),
]
