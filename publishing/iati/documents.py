"""An activity's ``document-link``: the compact's partnership document, when it is public
(``docs/iati.md``). A document that is not public, or public without an address, is not
linked: IATI links are for anyone to follow."""

import mimetypes
from urllib.parse import urlsplit

from django.core.exceptions import ObjectDoesNotExist

from compacts.models import Compact

from .common import sub

# DocumentCategory A09 "Memorandum of understanding (If agreed by all parties)": the compact
# is a partnership document both governments sign, stating shared objectives and each side's
# undertakings; it is not a contract (A11) and creates no obligation of funds.
CATEGORY_MEMORANDUM_OF_UNDERSTANDING = "A09"
# FileFormat (IANA media types): a page on the web unless the address names a known file.
DEFAULT_FORMAT = "text/html"
LANGUAGE = "en"


def document_format(url: str) -> str:
    guessed, _encoding = mimetypes.guess_type(urlsplit(url).path)
    return guessed or DEFAULT_FORMAT


def public_document(compact: Compact):
    """The compact's document when it can be linked (public, with its address), else None.
    Reads the document the selector loaded with the compact."""
    try:
        document = compact.document
    except ObjectDoesNotExist:
        return None
    return document if document.publishable_url else None


def document_links(element, compact: Compact) -> None:
    document = public_document(compact)
    if document is None:
        return
    url = document.publishable_url
    link = sub(element, "document-link", format=document_format(url), url=url)
    sub(link, "title", f"Child Protection Compact Partnership between the United States and "
                       f"{compact.country.name}")
    sub(link, "category", code=CATEGORY_MEMORANDUM_OF_UNDERSTANDING)
    sub(link, "language", code=LANGUAGE)
    if compact.signed_on:
        sub(link, "document-date", iso_date=compact.signed_on.isoformat())
