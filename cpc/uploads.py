"""What a user may upload, checked by content, and the cap on an upload's size.

Every file users upload (contribution evidence, sustainability plan documents, guidance
documents, the evidence of GAO actions, a report to verify) passes :func:`validate_upload`
(or :func:`validate_pdf_upload`) before it is stored. The type is read from the file's
first bytes, never from its name or the content type the browser sent: a page or a program
renamed ``.pdf`` is refused. Allowed are the document types evidence comes in: PDF, PNG,
JPEG, GIF, WebP, Office Open XML (.docx, .xlsx, .pptx), legacy Office files (.doc, .xls,
.ppt) and plain text or CSV (UTF-8, no NUL byte, not markup). HTML, SVG, executables and
archives that are not Office documents are refused.

Evidence (contribution evidence, guidance documents, sustainability plan documents) must also
have substance: :func:`validate_evidence` opens it. A PDF must have at least one page
(pypdf), an image pixel dimensions (Pillow), an Office Open XML document must open as one
(its main part present, the archive intact), and plain text or CSV must hold at least
``EVIDENCE_TEXT_MIN_BYTES`` bytes besides blanks. Legacy Office files (.doc, .xls, .ppt) are
refused as evidence: the app cannot open them to see that they hold anything, so they are to
be saved as PDF or as the current Office formats first.

A signature table rather than libmagic: the allow-list is short, an Office Open XML file
must be told apart from any other zip (its ``[Content_Types].xml``), and text must be
refused when it is markup; libmagic would answer "zip" and "HTML document" and leave those
decisions here anyway.

:class:`SizeLimitedUploadHandler` stops keeping a file's bytes once it passes
``UPLOAD_MAX_BYTES``: the request is still read to its end (so the form or the API can
answer), but the file is never written anywhere, and the validator refuses it by its size.
"""

import codecs
import io
import mimetypes
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db.models.fields.files import FieldFile
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DEFAULT_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
HEAD_BYTES = 8192

ERR_TOO_LARGE = _("The file is {size}; files may be at most {limit}.")
ERR_TYPE = (
    _("This kind of file is not accepted. Upload a PDF, an image (PNG, JPEG, GIF, WebP), a Word, "
    "Excel or PowerPoint document, or a plain text or CSV file.")
)
ERR_PDF_ONLY = _("Upload a PDF file.")
ERR_EMPTY = _("The file is empty.")
EVIDENCE_TEXT_MIN_BYTES = 100
ERR_PDF_UNREADABLE = _("This PDF cannot be opened; upload the document as issued.")
ERR_PDF_NO_PAGES = _("This PDF has no pages.")
ERR_IMAGE_UNREADABLE = _("This image cannot be opened; upload the picture or scan itself.")
ERR_IMAGE_NO_PIXELS = _("This image has no pixel dimensions.")
ERR_OFFICE_UNREADABLE = _("This Office document cannot be opened; it is damaged or incomplete.")
ERR_LEGACY_OFFICE = _("Old Word, Excel or PowerPoint files (.doc, .xls, .ppt) cannot be opened "
                      "here; save the document as PDF, .docx, .xlsx or .pptx and upload that.")
ERR_TEXT_TOO_SHORT = _("This text file holds {size} bytes; evidence in text or CSV needs at "
                       "least {minimum}.")


@dataclass(frozen=True)
class DocumentType:
    name: str
    content_type: str


PDF = DocumentType("PDF", "application/pdf")
PNG = DocumentType("PNG image", "image/png")
JPEG = DocumentType("JPEG image", "image/jpeg")
GIF = DocumentType("GIF image", "image/gif")
WEBP = DocumentType("WebP image", "image/webp")
OFFICE_OPEN_XML = DocumentType("Office Open XML document", "application/octet-stream")
LEGACY_OFFICE = DocumentType("Office document", "application/octet-stream")
TEXT = DocumentType("plain text or CSV", "text/plain")

# The content types a stored file may be served with; anything else goes out as bytes.
SERVED_CONTENT_TYPES = {
    "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/csv",
    "text/plain", "application/msword", "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

# How the views that serve stored files describe their answer in the OpenAPI schema.
FILE_RESPONSES = {(200, content_type): bytes
                  for content_type in sorted({*SERVED_CONTENT_TYPES, "application/octet-stream"})}

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The streams that make an OLE compound file a Word, Excel or PowerPoint file (their names
# are stored in UTF-16); other compound files, such as Windows installers, have none.
OLE_OFFICE_STREAMS = tuple(name.encode("utf-16-le") for name in (
    "WordDocument", "Workbook", "Book", "PowerPoint Document"))
# Text that a browser would take for a page or a drawing.
MARKUP_STARTS = (b"<",)
MARKUP_INSIDE = (b"<script", b"<html", b"<svg", b"<iframe", b"<object", b"<embed",
                 b"<!doctype", b"<?xml", b"javascript:")


def upload_max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES))


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _read_all(upload):
    """The upload's bytes in chunks, from the start (the position is put back after)."""
    upload.seek(0)
    if hasattr(upload, "chunks"):
        yield from upload.chunks()
    else:
        while chunk := upload.read(64 * 1024):
            yield chunk
    upload.seek(0)


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def _is_office_open_xml(upload) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names


def _is_legacy_office(upload) -> bool:
    tail = b""
    for chunk in _read_all(upload):
        window = tail + chunk
        if any(name in window for name in OLE_OFFICE_STREAMS):
            upload.seek(0)
            return True
        tail = window[-64:]
    return False


def _is_text(upload) -> bool:
    """UTF-8 all through, no NUL byte, and not markup (HTML, SVG, XML)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = _head(upload).lstrip(codecs.BOM_UTF8).lstrip()
    lowered = head.lower()
    if lowered.startswith(MARKUP_STARTS) or any(tag in lowered for tag in MARKUP_INSIDE):
        return False
    try:
        for chunk in _read_all(upload):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_type(upload) -> DocumentType | None:
    """The allowed document type of ``upload`` read from its content, or None."""
    head = _head(upload)
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return OFFICE_OPEN_XML if _is_office_open_xml(upload) else None
    if head.startswith(OLE_SIGNATURE):
        return LEGACY_OFFICE if _is_legacy_office(upload) else None
    if _is_text(upload):
        return TEXT
    return None


def _new_upload(value):
    """The uploaded file behind ``value``, or None for a file stored earlier (checked when it
    was uploaded) or no file at all."""
    if not value:
        return None
    if isinstance(value, FieldFile):
        if getattr(value, "_committed", True):
            return None
        return value.file
    return value


def _check_size(upload) -> None:
    size = getattr(upload, "size", None)
    if size is None:
        return
    if size > upload_max_bytes():
        raise ValidationError(
            ERR_TOO_LARGE.format(size=human_size(size), limit=human_size(upload_max_bytes())),
            code="file_too_large")
    if size == 0:
        raise ValidationError(ERR_EMPTY, code="empty")


@deconstructible
class UploadValidator:
    """Refuses a new upload over the size limit or of a type outside ``allowed``."""

    def __init__(self, allowed: tuple[str, ...] = (), message: str = ERR_TYPE):
        self.allowed = tuple(allowed)
        self.message = message

    def __call__(self, value) -> None:
        upload = _new_upload(value)
        if upload is None:
            return
        _check_size(upload)
        kind = detect_type(upload)
        if kind is None or (self.allowed and kind.name not in self.allowed):
            raise ValidationError(self.message, code="file_type")

    def __eq__(self, other):
        return (isinstance(other, UploadValidator) and self.allowed == other.allowed
                and self.message == other.message)


validate_upload = UploadValidator()
validate_pdf_upload = UploadValidator(allowed=(PDF.name,), message=ERR_PDF_ONLY)


# The part each kind of Office Open XML document cannot be without.
OFFICE_MAIN_PARTS = ("word/document.xml", "xl/workbook.xml", "ppt/presentation.xml")


def _pdf_pages(upload) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    upload.seek(0)
    try:
        return len(PdfReader(upload).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError,
            RecursionError, IndexError):
        raise ValidationError(ERR_PDF_UNREADABLE, code="evidence_unreadable") from None
    finally:
        upload.seek(0)


def _image_size(upload) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            size = image.size
            image.verify()
        return size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError):
        raise ValidationError(ERR_IMAGE_UNREADABLE, code="evidence_unreadable") from None
    finally:
        upload.seek(0)


def _office_opens(upload) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            main = [name for name in OFFICE_MAIN_PARTS if name in names]
            # testzip reads every member and checks its CRC: a truncated file fails here.
            return bool(main) and archive.testzip() is None and bool(archive.read(main[0]))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError,
            NotImplementedError):
        return False
    finally:
        upload.seek(0)


def _text_bytes(upload) -> int:
    """The bytes of a text file besides blanks (spaces, tabs, line ends)."""
    return sum(len(chunk.translate(None, b" \t\r\n\x0b\x0c")) for chunk in _read_all(upload))


def check_evidence_substance(upload, kind: DocumentType) -> None:
    """Refuse evidence the app cannot open or that holds nothing, naming what is wrong."""
    if kind is PDF:
        if _pdf_pages(upload) < 1:
            raise ValidationError(ERR_PDF_NO_PAGES, code="evidence_empty")
    elif kind in (PNG, JPEG, GIF, WEBP):
        width, height = _image_size(upload)
        if width < 1 or height < 1:
            raise ValidationError(ERR_IMAGE_NO_PIXELS, code="evidence_empty")
    elif kind is OFFICE_OPEN_XML:
        if not _office_opens(upload):
            raise ValidationError(ERR_OFFICE_UNREADABLE, code="evidence_unreadable")
    elif kind is LEGACY_OFFICE:
        raise ValidationError(ERR_LEGACY_OFFICE, code="evidence_legacy_office")
    elif kind is TEXT:
        size = _text_bytes(upload)
        if size < EVIDENCE_TEXT_MIN_BYTES:
            raise ValidationError(
                str(ERR_TEXT_TOO_SHORT).format(size=size, minimum=EVIDENCE_TEXT_MIN_BYTES),
                code="evidence_empty")


@deconstructible
class EvidenceValidator(UploadValidator):
    """:class:`UploadValidator`, and then the document must open and hold something
    (:func:`check_evidence_substance`): what a verdict rests on must be a real document."""

    def __call__(self, value) -> None:
        super().__call__(value)
        upload = _new_upload(value)
        if upload is None:
            return
        check_evidence_substance(upload, detect_type(upload))

    def __eq__(self, other):
        return isinstance(other, EvidenceValidator) and super().__eq__(other)


validate_evidence = EvidenceValidator()


def _upload_hint() -> str:
    return gettext("PDF, image, Word, Excel, PowerPoint, text or CSV file, at most "
                   "%(size)s.") % {"size": human_size(upload_max_bytes())}


# For the help text of upload fields; read when shown, so the setting in force is named.
UPLOAD_HINT = lazy(_upload_hint, str)()


def served_content_type(name: str) -> str:
    """The content type a stored file is served with: its own when it is one of the allowed
    document types, otherwise plain bytes (never a type a browser would run)."""
    guessed, _ = mimetypes.guess_type(name)
    return guessed if guessed in SERVED_CONTENT_TYPES else "application/octet-stream"


class OversizedUpload(UploadedFile):
    """Stands for a file that passed the size limit: its size, no content."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        super().__init__(io.BytesIO(b""), name, content_type, size, charset,
                         content_type_extra)


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler that drops a file once it passes ``UPLOAD_MAX_BYTES``
    and hands on an :class:`OversizedUpload` in its place, for the validator to refuse."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.oversized:
            return None
        if self.received > upload_max_bytes():
            self.oversized = True
            self.file.close()  # a temporary file: closing it deletes it
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        if self.oversized:
            return OversizedUpload(self.file_name, self.content_type, self.received,
                                   self.charset, self.content_type_extra)
        return super().file_complete(file_size)
