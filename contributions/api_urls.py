from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api
from .pledges_api import CompactPledgesView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("contributions", api.ContributionViewSet, basename="contribution")
router.register("sustainability-plans", api.SustainabilityPlanViewSet,
                basename="sustainability-plan")

urlpatterns = [
    path("compacts/<int:pk>/pledges/", CompactPledgesView.as_view(), name="compact-pledges"),
    *router.urls,
]
