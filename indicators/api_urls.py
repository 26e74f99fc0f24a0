from rest_framework.routers import DefaultRouter

from . import api, evaluation_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("standard-indicators", api.StandardIndicatorViewSet,
                basename="standard-indicator")
router.register("indicators", api.IndicatorViewSet, basename="indicator")
router.register("targets", api.TargetViewSet, basename="target")
router.register("results", api.ResultViewSet, basename="result")
router.register("evaluations", evaluation_api.EvaluationViewSet, basename="evaluation")

urlpatterns = [*router.urls]
