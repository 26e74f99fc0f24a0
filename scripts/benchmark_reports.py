"""Benchmark of the program oversight report (not a test).

    .venv/bin/python scripts/benchmark_reports.py            # demo, large and portfolio
    .venv/bin/python scripts/benchmark_reports.py --case large
    .venv/bin/python scripts/benchmark_reports.py --case portfolio \
        --database-url postgres://postgres@127.0.0.1:5432/cpc_bench300   # filled already

Each case runs in its own process. ``demo`` (the seed_demo data) and ``large`` (30 compacts
with 10 indicators each over 5 fiscal years) use a throwaway SQLite database in a temporary
folder; ``portfolio`` is 300 active compacts from ``manage.py generate_portfolio --compacts
300``, either in the database given by --database-url (filled beforehand: it takes minutes) or
generated into a throwaway SQLite database. The full pipeline (read in one snapshot +
templates + WeasyPrint) and WeasyPrint alone on the same finished HTML (same PDF variant) are
run alternately, so that a machine busy with other work slows both alike; the best run of each
is printed with the ratio, pages, seconds per page and the process's peak memory.
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
PORTFOLIO_COMPACTS = 300
RUNS = {"demo": 3, "large": 3, "portfolio": 1}  # best of


def setup_django(folder: Path, database_url: str | None = None) -> None:
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
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
    from django.utils import timezone

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
            Target(indicator=i, fiscal_year=first_fy + y, value=Decimal(100 + 10 * y),
                   recorded_at=timezone.now())
            for i in indicators for y in range(LARGE_YEARS)
        )
        Result.objects.bulk_create(
            Result(indicator=i, fiscal_year=first_fy + y, value=Decimal(90 + 12 * y),
                   status="approved", reported_by=user, recorded_at=timezone.now())
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


def seed_portfolio(filled: bool) -> int:
    from django.core.management import call_command
    from django.utils import timezone

    from cpc.fiscal import fiscal_year_of

    if not filled:
        call_command("generate_portfolio", "--compacts", str(PORTFOLIO_COMPACTS), "--force",
                     verbosity=0)
    return fiscal_year_of(timezone.localdate()) - 1


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def run_case(case: str, database_url: str | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="cpc-bench-") as folder:
        setup_django(Path(folder), database_url)
        if case == "demo":
            fiscal_year = seed_demo()
        elif case == "large":
            fiscal_year = seed_large()
        else:
            fiscal_year = seed_portfolio(filled=database_url is not None)

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
            html = render_html(content)
            return html_to_pdf(html), content, html

        if case != "portfolio":
            html_to_pdf(render_html(read()))  # warm up: fonts, templates, imports
        best_ours = best_weasy = best_read = best_html = None
        for _ in range(RUNS[case]):  # alternately: ours, then WeasyPrint alone on its HTML
            total, (pdf, content, html) = timed(ours)
            weasy_s, _ = timed(lambda html=html: html_to_pdf(html))
            read_s, _ = timed(read)
            html_s, _ = timed(lambda content=content: render_html(content))
            best_ours = min(total, best_ours or total)
            best_weasy = min(weasy_s, best_weasy or weasy_s)
            best_read = min(read_s, best_read or read_s)
            best_html = min(html_s, best_html or html_s)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        layout = "summary table" if content.summary_only else "a section per compact"
        print(f"{case:9} FY{fiscal_year}: {len(content.sections)} compacts ({layout}), "
              f"{pdf.page_count} pages, {len(pdf.data) / 1024:.0f} KiB, best of {RUNS[case]}")
        print(f"      ours (read + templates + WeasyPrint): {best_ours:.2f} s "
              f"= {best_ours / pdf.page_count:.3f} s/page")
        print(f"      read {best_read:.2f} s, templates {best_html:.2f} s, "
              f"WeasyPrint alone on the same HTML {best_weasy:.2f} s")
        print(f"      ratio ours / WeasyPrint alone: {best_ours / best_weasy:.2f}; "
              f"peak memory (max RSS) {peak_mb:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["demo", "large", "portfolio"])
    parser.add_argument("--database-url", help="portfolio case: a database already filled "
                        "by generate_portfolio --compacts 300")
    args = parser.parse_args()
    if args.case:
        run_case(args.case, args.database_url if args.case == "portfolio" else None)
        return
    for case in ("demo", "large", "portfolio"):  # one process each: honest memory
        extra = (["--database-url", args.database_url]
                 if case == "portfolio" and args.database_url else [])
        subprocess.run([sys.executable, __file__, "--case", case, *extra], check=True,
                       cwd=ROOT)


if __name__ == "__main__":
    main()
