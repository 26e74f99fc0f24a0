"""The compacts as IATI 2.03 activities (``docs/iati.md`` states the mapping and its reasons).

:mod:`.activity` writes a compact as an ``iati-activity`` and the file around it; its parts
are :mod:`.orgs` (reporting, participating and contact organisations), :mod:`.money`
(budgets and transactions from the awards and their finances), :mod:`.documents` (the
public compact document) and :mod:`.results` (indicators as results)."""

from .activity import SECTOR_CODE, activities_document, activity, activity_identifier, serialize
from .results import result

__all__ = ["SECTOR_CODE", "activities_document", "activity", "activity_identifier", "result",
           "serialize"]
