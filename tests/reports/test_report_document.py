"""The program report as a reader gets it: the PDF's text (sections in order, a source line
under every table and figure, the recommendation record, running headers naming the section on
the page) and its page images against committed references (tests/reports/golden/).

Regenerate the reference images after an intended layout change, and commit them:

    UPDATE_GOLDEN=1 scripts/test -q tests/reports/test_report_document.py -k golden
"""

import datetime as dt
import io
import os
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from django.core.management import call_command
from PIL import Image, ImageChops

from reports.content import report_content
from reports.rendering import html_to_pdf, render_html

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
FISCAL_YEAR = 2026
AS_OF = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)  # fixed: the same data, the same pages
DPI = 40
# A page differs when more than this share of its pixels differ by more than PIXEL_DELTA.
PIXEL_DELTA, MAX_DIFFERING = 48, 0.0002

SECTIONS = [
    "Highlights",
    "Objectives, scope and methodology",
    "Findings",
    f"What changed since FY{FISCAL_YEAR - 1}",
    "GAO's recommendations: status and State's actions",
    "Data reliability",
    "Appendix: Portfolio and timeline of partnerships",
    "Appendix: Colombia Child Protection Compact Partnership",
    "Appendix: Côte d'Ivoire Child Protection Compact Partnership",
    "Data sources and verification",
]


@pytest.fixture(autouse=True)
def _demo_settings(settings):
    settings.DEBUG = True  # seed_demo's development mode (its own password)


def _records_of_the_data_migrations():
    """A transactional test before this one empties the database, data migrations' records
    (the GAO recommendation record, the standard indicators) included: put them back, so that
    the demo report is the same whatever ran before."""
    from importlib import import_module

    from django.apps import apps

    for module in ("oversight.migrations.0006_gao_public_record_as_told",
                   "indicators.migrations.0002_standard_indicators"):
        import_module(module).load(apps, None)  # both skip what is there


def _program_report(**overrides):
    _records_of_the_data_migrations()
    call_command("seed_demo", "--force", verbosity=0)
    content = report_content(kind="program_oversight", fiscal_year=FISCAL_YEAR,
                             compact_id=None, data_as_of=AS_OF)
    for name, value in overrides.items():
        setattr(content, name, value)
    return content


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_program_report_reads_as_a_gao_product():
    pages = _pages(html_to_pdf(render_html(_program_report())).data)
    text = "\n".join(pages[1:])  # after the cover and its contents

    # Every section, in order.
    positions = [text.find(f"\n{title}\n") if f"\n{title}\n" in text
                 else text.find(title) for title in SECTIONS]
    assert -1 not in positions, [t for t, p in zip(SECTIONS, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    for heading in ("Why this review", "What we found", "Status of GAO's recommendations",
                    "Objectives", "Scope", "Methodology", "Limitations"):
        assert heading in text
    for number in range(1, 7):
        assert f"Finding {number}: " in text and f"Recommendation {number}: " in text

    # A source line under every table and figure: each caption is followed by a source line
    # before the next caption.
    captions = [m.start() for m in re.finditer(r"(?:Table|Figure) \d+: ", text)]
    assert len(captions) >= 10 and "Figure 4: " in text
    for here, after in zip(captions, [*captions[1:], len(text)], strict=True):
        assert "Source: " in text[here:after], text[here:here + 120]

    # The recommendation record: GAO's status and State's actions, dated as the source
    # dates them (no invented day).
    assert "Recommendation 4: Open" in text and "Recommendation 1: Closed, implemented" in text
    assert "State concurred" in text and "December 2024" in text
    assert "as reported by GAO, 2025" in text and "2024-12-01" not in text
    # Data reliability: shares of results by review status.
    assert re.search(r"\d+ \(\d+%\) were approved", text)
    # The unit fault of earlier reports.
    assert "(u.s. dollars" not in text

    # Running headers: the section at the top of each page (a section starting lower down
    # names the next page onwards).
    current = None
    for number, page in enumerate(pages[1:], start=2):
        *body, header, footer = page.split("\n")
        assert header.startswith(f"CPC program oversight report, FY{FISCAL_YEAR} ")
        assert footer.endswith(f"Page {number} of {len(pages)}")
        text_on_page = " ".join(body)  # a long heading may wrap
        starting = sorted((text_on_page.find(t), t) for t in SECTIONS if t in text_on_page)
        starting = [t for at, t in starting if at == 0 or text_on_page[at - 1] == " "]
        expected = next((t for t in SECTIONS if text_on_page.startswith(t)), current)
        assert header.endswith(f" {expected}"), (number, header, expected)
        current = starting[-1] if starting else current


def test_the_unit_is_printed_with_its_capitals():
    from reports.templatetags.report_format import unit_phrase

    assert unit_phrase("U.S. dollars") == "U.S. dollars"
    assert unit_phrase("Percent") == "percent"


def _rasterise(data: bytes, folder: Path) -> list[Path]:
    pdf = folder / "report.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf),
                    str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


def _differing_share(one: Path, other: Path) -> float:
    a, b = Image.open(one).convert("L"), Image.open(other).convert("L")
    if a.size != b.size:
        return 1.0
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > PIXEL_DELTA else 0)
    return sum(diff.histogram()[255:]) / (a.size[0] * a.size[1])


def _compare_with_golden(data: bytes, folder: Path) -> list[str]:
    pages = _rasterise(data, folder)
    references = sorted(GOLDEN.glob("program-page-*.png"))
    problems = []
    if len(pages) != len(references):
        problems.append(f"{len(pages)} pages, the reference has {len(references)}")
    for page, reference in zip(pages, references, strict=False):
        share = _differing_share(page, reference)
        if share > MAX_DIFFERING:
            problems.append(f"{reference.name}: {share:.2%} of pixels differ")
    return problems


def test_golden_pages(tmp_path):
    data = html_to_pdf(render_html(_program_report())).data
    if os.environ.get("UPDATE_GOLDEN"):
        for old in GOLDEN.glob("program-page-*.png"):
            old.unlink()
        for number, page in enumerate(_rasterise(data, tmp_path), start=1):
            page.rename(GOLDEN / f"program-page-{number:02d}.png")
    assert GOLDEN.glob("program-page-*.png"), "no reference pages: run with UPDATE_GOLDEN=1"
    assert _compare_with_golden(data, tmp_path) == []


def test_golden_pages_catch_a_layout_change(tmp_path):
    """The comparison can fail: the same report with wider margins does not match."""
    from reports.rendering import html_to_pdf

    html = render_html(_program_report())
    html = html.replace("margin: 0.85in 0.8in 0.85in 0.8in;", "margin: 0.85in 1.1in;", 1)
    assert "margin: 0.85in 1.1in;" in html
    assert _compare_with_golden(html_to_pdf(html).data, tmp_path) != []


def test_a_job_past_its_time_limit_fails_clearly_and_can_be_rerun(staff_user, settings):
    """The worker's soft time limit arrives as a signal that raises SoftTimeLimitExceeded in
    the task (billiard's handler); a real timer does the same here mid-render."""
    import signal

    from celery.exceptions import SoftTimeLimitExceeded

    from reports import services
    from tests.reports.factories import ReportJobFactory

    _records_of_the_data_migrations()
    call_command("seed_demo", "--force", verbosity=0)
    job = ReportJobFactory(kind="program_oversight", compact=None, fiscal_year=FISCAL_YEAR,
                           requested_by=staff_user)

    def time_is_up(signum, frame):
        # Only while the report is being read or laid out: the timer repeats, in case a
        # library swallowed an earlier one, and must not hit the bookkeeping after it, nor a
        # finaliser (``__del__``), where Python reports the exception and drops it.
        frames = []
        while frame is not None:
            frames.append(frame.f_code)
            frame = frame.f_back
        if any(code.co_name == "__del__" for code in frames):
            return
        if any("weasyprint" in code.co_filename
               or code.co_filename.endswith(("reports/content.py", "reports/rendering.py"))
               for code in frames):
            raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, time_is_up)
    signal.setitimer(signal.ITIMER_REAL, 0.2, 0.1)
    try:
        job = services.report_render(job_id=job.pk, final_attempt=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert job.status == "failed"
    assert job.error.startswith(
        f"Rendering took longer than the time limit ({settings.REPORTS_RENDER_SOFT_TIME_LIMIT} s)")
    assert "Re-run the report" in job.error
    rerun = services.report_rerun(job=job, user=staff_user)
    assert rerun.pk == job.pk and rerun.status == "queued" and rerun.error == ""


def test_past_the_detail_limit_compacts_go_to_a_summary_table(settings):
    settings.REPORTS_PROGRAM_DETAIL_LIMIT = 1
    content = _program_report()
    assert len(content.sections) == 2 and content.summary_only
    html = render_html(content)
    assert "Appendix: Compacts in summary" in html
    assert "Appendix: Colombia" not in html and "Appendix: Côte d'Ivoire" not in html
    # Each compact is still named, with its checks.
    assert html.count("<td>Colombia</td>") >= 2 and "Côte d&#x27;Ivoire" in html
