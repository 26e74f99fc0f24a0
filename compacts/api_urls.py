from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("countries", api.CountryViewSet, basename="country")
router.register("compacts", api.CompactViewSet, basename="compact")
router.register("awards", api.AwardViewSet, basename="award")
router.register("guidance-documents", api.GuidanceDocumentViewSet, basename="guidance-document")

urlpatterns = [
    path("me/", api.MeView.as_view(), name="me"),
    *router.urls,
]
