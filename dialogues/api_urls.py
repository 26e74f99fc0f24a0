from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("dialogues", api.DialogueViewSet, basename="dialogue")
router.register("action-items", api.ActionItemViewSet, basename="action-item")
router.register("target-proposals", api.TargetProposalViewSet, basename="target-proposal")

urlpatterns = [
    *router.urls,
]
