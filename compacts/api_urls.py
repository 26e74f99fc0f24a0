from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api
from .partnership import api as partnership

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("countries", api.CountryViewSet, basename="country")
router.register("compacts", api.CompactViewSet, basename="compact")
router.register("awards", api.AwardViewSet, basename="award")
router.register("guidance-documents", api.GuidanceDocumentViewSet, basename="guidance-document")
router.register("compact-documents", partnership.CompactDocumentViewSet,
                basename="compact-document")
router.register("pledges", partnership.PledgeViewSet, basename="pledge")

urlpatterns = [
    path("me/", api.MeView.as_view(), name="me"),
    path("compacts/<int:pk>/document/", partnership.CompactDocumentView.as_view(),
         name="compact-document-answer"),
    *router.urls,
]
