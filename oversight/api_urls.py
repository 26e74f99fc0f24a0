from django.urls import path

from . import api

urlpatterns = [
    path("compacts/<int:pk>/compliance/", api.ComplianceView.as_view(),
         name="compact-compliance"),
]
