"""The pages the oversight app owns, one module per page family: the program dashboard and
the compact page, both built around the six GAO checks, and GAO's recommendation record."""

from .compact import CompactDetailView, FiscalYearDecisionView, chosen_fiscal_year
from .dashboard import CHECK_LABELS, CheckRows, DashboardView, UpcomingDialoguesView, checks_table
from .recommendations import (
    GaoActionAddView,
    GaoActionEvidenceView,
    GaoRecommendationListView,
    GaoStatusChangeView,
)

__all__ = [
    "CHECK_LABELS", "CheckRows", "CompactDetailView", "DashboardView", "FiscalYearDecisionView",
    "GaoActionAddView", "GaoActionEvidenceView", "GaoRecommendationListView",
    "GaoStatusChangeView", "UpcomingDialoguesView", "checks_table", "chosen_fiscal_year",
]
