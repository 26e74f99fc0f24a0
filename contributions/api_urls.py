from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("contributions", api.ContributionViewSet, basename="contribution")
router.register("sustainability-plans", api.SustainabilityPlanViewSet,
                basename="sustainability-plan")

urlpatterns = [*router.urls]
