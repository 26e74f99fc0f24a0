"""Report content → HTML (Django templates) → PDF (WeasyPrint), deterministically.

Nothing here reads the database or the clock: the same :class:`ReportContent` always gives the
same bytes. The PDF's creation and modification dates are the report's data-as-of time, and
WeasyPrint's PDF/UA-1 variant (tagged, with the document language and title) is used.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from cpc.i18n import in_english
from cpc.samples import SAMPLE_NOTE_EN
from indicators.models import PARTNER_BUDGET_NOTE

from .content import ReportContent
from .findings import CHECK_LABELS

PDF_VARIANT = "pdf/ua-1"
AUTHOR = "CPC Oversight (Office to Monitor and Combat Trafficking in Persons)"


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    page_count: int

    @property
    def sha256(self) -> str:
        return sha256_of(self.data)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def w3c_date(moment) -> str:
    """The metadata date: whole seconds, UTC, so it is the same wherever it is rendered."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


@in_english  # oversight reports stay in English
def render_html(content: ReportContent) -> str:
    return render_to_string("reports/pdf/report.html", {
        "report": content,
        "sections": content.sections,
        "check_labels": CHECK_LABELS,
        "author": AUTHOR,
        "metadata_date": w3c_date(content.data_as_of),
        "data_as_of_local": timezone.localtime(content.data_as_of),
        "as_of_text": timezone.localtime(content.data_as_of).strftime("%-d %B %Y, %H:%M %Z"),
        "short_title": short_title(content),
        "partner_budget_note": PARTNER_BUDGET_NOTE,
        "sample_note": SAMPLE_NOTE_EN,
    })


def short_title(content: ReportContent) -> str:
    """The running header: which report, for which year."""
    if content.is_program or not content.sections:
        return f"CPC program oversight report, FY{content.fiscal_year}"
    return (f"{content.sections[0].compact.country.name} CPC oversight report, "
            f"FY{content.fiscal_year}")


def html_to_pdf(html: str) -> RenderedPdf:
    """WeasyPrint alone: lay out and write the finished HTML (what the benchmark compares)."""
    from weasyprint import HTML  # imported here: loading it costs time the web server skips

    document = HTML(string=html, base_url=None).render(pdf_variant=PDF_VARIANT)
    data = document.write_pdf(pdf_variant=PDF_VARIANT)
    return RenderedPdf(data=data, page_count=len(document.pages))
