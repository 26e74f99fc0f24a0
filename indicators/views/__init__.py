"""Indicator pages, by family: a compact's indicators and their results (``compact``), the
data-entry grid (``data_entry``), bulk entry from a spreadsheet (``bulk_entry``) and each
standard indicator across compacts (``comparison``)."""

from ..services import ERR_CANNOT_CLEAR, ERR_CELL_CHANGED
from .bulk_entry import BulkTemplateView, BulkUploadView
from .compact import (
    CompactIndicatorsView,
    IndicatorTableExportView,
    ProgressCell,
    ResultDocumentDownloadView,
    ResultDocumentsView,
    ResultReviewView,
)
from .comparison import StandardComparisonExportView, StandardComparisonView
from .data_entry import ERR_GRID_NOT_SAVED, ERR_REASON_NEEDED_BELOW, DataEntryView

__all__ = [
    "ERR_CANNOT_CLEAR", "ERR_CELL_CHANGED", "ERR_GRID_NOT_SAVED", "ERR_REASON_NEEDED_BELOW",
    "BulkTemplateView", "BulkUploadView", "CompactIndicatorsView", "DataEntryView",
    "IndicatorTableExportView", "ProgressCell", "ResultDocumentDownloadView",
    "ResultDocumentsView", "ResultReviewView", "StandardComparisonExportView",
    "StandardComparisonView",
]
