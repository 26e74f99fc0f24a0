"""Real documents for tests that upload evidence: evidence must open and hold something
(``cpc.uploads.validate_evidence``), so a few bytes named ``.pdf`` no longer pass."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from contributions.demo import sample_pdf

CSV_TEXT = (b"fiscal_year,line,amount_local,currency\n"
            b"2024,Ministry budget line 14: specialized shelters,120000.00,GHS\n"
            b"2024,Ministry budget line 15: shelter staff salaries,80000.00,GHS\n")


def pdf_bytes(text: str = "Budget extract, line 14: specialized shelters.") -> bytes:
    """A one-page PDF saying ``text`` (pypdf opens it)."""
    return sample_pdf(text)


def empty_pdf_bytes() -> bytes:
    """A well-formed PDF with no page at all."""
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", b'<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def pdf(name: str = "evidence.pdf", text: str = "Budget extract, line 14.") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def png(name: str = "receipt.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def csv(name: str = "budget.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, CSV_TEXT, content_type="text/csv")
