"""The IATI activity file a user may download: the compacts they may see."""

from django.utils import timezone

from . import iati, selectors

CONTENT_TYPE = "application/xml; charset=utf-8"


def iati_activities_xml(*, user) -> bytes:
    return iati.serialize(iati.activities_document(selectors.iati_compact_list(user=user)))


def download_filename() -> str:
    return f"cpc-iati-activities-{timezone.localdate().isoformat()}.xml"
