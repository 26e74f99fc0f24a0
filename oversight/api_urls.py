from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("gao-recommendations", api.GaoRecommendationViewSet,
                basename="gao-recommendation")

urlpatterns = [
    path("compacts/<int:pk>/compliance/", api.ComplianceView.as_view(),
         name="compact-compliance"),
    *router.urls,
]
