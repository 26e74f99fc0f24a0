from django.urls import path

from . import api

urlpatterns = [
    path("audit-events/", api.AuthEventListView.as_view(), name="audit-event-list"),
]
