"""Benchmark of the program oversight report (not a test).

    .venv/bin/python scripts/benchmark_reports.py            # both cases
    .venv/bin/python scripts/benchmark_reports.py --case large

Each case runs in its own process against a throwaway SQLite database in a temporary folder:
``demo`` is the seed_demo data; ``large`` is a generated portfolio of 30 compacts with 10
indicators each over 5 fiscal years. For each it prints seconds per report and per page,
the peak memory of the process, and the time WeasyPrint alone takes on the same finished
HTML, so that our overhead (reading the data, the templates) shows as a ratio.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LARGE_COMPACTS, LARGE_INDICATORS, LARGE_YEARS = 30, 10, 5
RUNS = 3  # best of


def setup_django(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["PRIVATE_STORAGE_ROOT"] = str(folder / "private")
    os.environ["CELERY_BROKER_DIR"] = str(folder / "broker")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-key-0123456789abcdefghijklmnop")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cpc.settings.local"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed_demo() -> int:
    from django.core.management import call_command
    from django.utils import timezone

    from cpc.fiscal import fiscal_year_of

    call_command("seed_demo", "--force", verbosity=0)
    return fiscal_year_of(timezone.localdate()) - 1


def seed_large() -> int:
    """30 compacts x 10 indicators x 5 fiscal years (FY2021-FY2025), written in bulk."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from compacts.models import Award, Compact, GuidanceDocument, Implementer, PartnerCountry
    from contributions.models import Contribution
    from dialogues.models import ActionItem, Dialogue, Discussion, Participant
    from indicators.models import Indicator, Result, Target

    codes = ["AO", "BJ", "BW", "CM", "CI", "ET", "GH", "KE", "LR", "MG", "MW", "ML", "MZ",
             "NA", "NG", "RW", "SN", "SL", "TZ", "TG", "UG", "ZM", "ZW", "PE", "CO", "EC",
             "GT", "HN", "JM", "MN"]
    user = get_user_model().objects.create(username="bench")
    GuidanceDocument.objects.create(
        title="Guidance", version="1", effective_from=dt.date(2020, 1, 1),
        targets_passage="Each compact sets annual targets for its indicators.")
    implementer = Implementer.objects.create(name="Sample implementer")
    first_fy = 2021
    for n, code in enumerate(codes[:LARGE_COMPACTS]):
        country = PartnerCountry.objects.create(iso_code=code, region="africa")
        compact = Compact.objects.create(
            country=country, title=f"{country.name} Child Protection Compact Partnership",
            status="active", signed_on=dt.date(2020, 9, 1), start_date=dt.date(2020, 10, 1),
            end_date=dt.date(2025, 9, 30), us_funding_usd=Decimal("5000000"),
            partner_contribution_planned_usd=Decimal("1000000"),
        )
        Award.objects.create(compact=compact, implementer=implementer, mechanism="grant",
                             award_number=f"BENCH-{n}", amount_usd=Decimal("5000000"),
                             start_date=compact.start_date, end_date=compact.end_date,
                             pillars=["protection"])
        indicators = Indicator.objects.bulk_create(
            Indicator(compact=compact, code=f"IND-{k}", name=f"Sample indicator {k}",
                      pillar="protection", unit="count", is_key=k < 3,
                      baseline_value=Decimal("10"))
            for k in range(LARGE_INDICATORS)
        )
        Target.objects.bulk_create(
            Target(indicator=i, fiscal_year=first_fy + y, value=Decimal(100 + 10 * y))
            for i in indicators for y in range(LARGE_YEARS)
        )
        Result.objects.bulk_create(
            Result(indicator=i, fiscal_year=first_fy + y, value=Decimal(90 + 12 * y),
                   status="approved", reported_by=user)
            for i in indicators for y in range(LARGE_YEARS)
        )
        for y in range(LARGE_YEARS):
            fy = first_fy + y
            dialogue = Dialogue.objects.create(
                compact=compact, fiscal_year=fy, scheduled_for=dt.date(fy, 3, 1),
                held_on=dt.date(fy, 3, 1), status="held", sustainability_discussed=True,
                key_indicators_identified_on=dt.date(fy, 1, 15),
            )
            dialogue.key_indicators.set(indicators[:3])
            Discussion.objects.bulk_create(Discussion(dialogue=dialogue, indicator=i,
                                                      notes="Sample") for i in indicators[:3])
            Participant.objects.bulk_create(
                Participant(dialogue=dialogue, name=f"P{k}", organization="Ministry",
                            side=side)
                for k, side in enumerate(["us_government", "partner_government", "implementer"])
            )
            ActionItem.objects.create(dialogue=dialogue, description="Share referral data.")
            Contribution.objects.create(compact=compact, fiscal_year=fy, kind="funding",
                                        description="Sample", amount_local=Decimal("1000"),
                                        currency="USD", amount_usd=Decimal("200000"))
    return 2025


def best_of(function):
    best, value = None, None
    for _ in range(RUNS):
        start = time.perf_counter()
        value = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, value


def run_case(case: str) -> None:
    with tempfile.TemporaryDirectory(prefix="cpc-bench-") as folder:
        setup_django(Path(folder))
        fiscal_year = seed_demo() if case == "demo" else seed_large()

        from django.utils import timezone

        from reports.content import report_content
        from reports.rendering import html_to_pdf, render_html
        from reports.services import snapshot

        def read():
            with snapshot():
                return report_content(kind="program_oversight", fiscal_year=fiscal_year,
                                      compact_id=None, data_as_of=timezone.now())

        def ours():
            content = read()
            return html_to_pdf(render_html(content)), content

        html_to_pdf(render_html(read()))  # warm up: fonts, templates, imports
        total, (pdf, content) = best_of(ours)
        read_s, _ = best_of(read)
        html_s, html = best_of(lambda: render_html(content))
        weasy_s, _ = best_of(lambda: html_to_pdf(html))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{case:5} FY{fiscal_year}: {len(content.sections)} compacts, "
              f"{pdf.page_count} pages, {len(pdf.data) / 1024:.0f} KiB")
        print(f"      ours (read + templates + WeasyPrint): {total:.2f} s "
              f"= {total / pdf.page_count:.3f} s/page")
        print(f"      read {read_s:.2f} s, templates {html_s:.2f} s, "
              f"WeasyPrint alone on the same HTML {weasy_s:.2f} s")
        print(f"      overhead ratio ours / WeasyPrint alone: {total / weasy_s:.2f}; "
              f"peak memory (max RSS) {peak_mb:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["demo", "large"])
    args = parser.parse_args()
    if args.case:
        run_case(args.case)
        return
    for case in ("demo", "large"):  # one process each: a fresh database and honest memory
        subprocess.run([sys.executable, __file__, "--case", case], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
