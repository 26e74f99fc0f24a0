from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api, compliance_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("dialogues", api.DialogueViewSet, basename="dialogue")
router.register("action-items", api.ActionItemViewSet, basename="action-item")

urlpatterns = [
    path("compacts/<int:pk>/compliance/", compliance_api.ComplianceView.as_view(),
         name="compact-compliance"),
    *router.urls,
]
