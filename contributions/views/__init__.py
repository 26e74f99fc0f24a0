"""Server-rendered contributions and sustainability-plan pages, one module per page family.
Every object comes from a scoped selector, so a compact outside the user's countries is a
404 as in the API."""

from .contributions import (
    CompactContributionsView,
    CompactListView,
    ContributionEvidenceView,
    ContributionImportView,
    ContributionsExportView,
    ContributionVerifyView,
    EvidenceDownloadView,
)
from .plans import (
    MeasureAddView,
    MeasureEditView,
    OverduePlansView,
    PlanDocumentView,
    PlanMoveView,
    PlanSaveView,
    PlanView,
)

__all__ = [
    "CompactContributionsView", "CompactListView", "ContributionEvidenceView",
    "ContributionImportView", "ContributionVerifyView", "ContributionsExportView",
    "EvidenceDownloadView", "MeasureAddView", "MeasureEditView", "OverduePlansView",
    "PlanDocumentView", "PlanMoveView", "PlanSaveView", "PlanView",
]
