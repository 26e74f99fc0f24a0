"""The report's data-reliability section: what it counts per compact and fiscal year, and the
conclusion it draws from those counts by the stated rule (reports.reliability), in the PDF.

The records are written through the services as of the day they were keyed
(``written_at``: the recording clock of ``cpc.models.recorded_as_of``, with the history
versions and a contribution's stamps dated that day too), so a year is open while its
dialogue window is and must be unlocked, with a reason, to be keyed later. These tests do
not open the past years wholesale (``past_years_open``): an unlock is one of the counts.
"""

import contextlib
import datetime as dt
import io
from decimal import Decimal

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils import timezone

from compacts import year_locks
from compacts.models import FiscalYearLock
from contributions import services as contribution_services
from contributions.models import Contribution, SustainabilityPlan
from cpc.models import recorded_as_of
from dialogues import services as dialogue_services
from dialogues.models import Dialogue, Discussion
from indicators import services as indicator_services
from indicators.models import Result, Target
from reports.content import report_content
from reports.reliability import (
    LIMITED,
    NO_DATA,
    NOT_SUFFICIENT,
    SUFFICIENT,
    Counts,
    judge,
)
from reports.rendering import html_to_pdf, render_html
from tests.compacts.factories import CompactFactory
from tests.documents import pdf_bytes
from tests.indicators.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

FISCAL_YEAR = 2025
HELD = dt.date(2025, 11, 15)  # the FY2025 dialogue, within its window (to 28 January 2026)
HISTORIES = (Target, Result, Contribution, Discussion, Dialogue, SustainabilityPlan,
             FiscalYearLock)


def at(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 11))


AS_OF = at(2026, 12, 5)  # the report is read after the late keying of 1 December 2026


@contextlib.contextmanager
def written_at(moment: dt.datetime):
    """Write as if on ``moment`` (always a past day): the records are stamped as recorded
    then, and what the wall clock dates (history versions, a contribution's ``created_at``
    and ``verified_at``) is dated then too."""
    started = timezone.now()
    marks = {model: model.history.aggregate(n=Max("history_id"))["n"] or 0
             for model in HISTORIES}
    with recorded_as_of(moment):
        yield
    for model, mark in marks.items():
        model.history.filter(history_id__gt=mark).update(history_date=moment)
    Contribution.objects.filter(created_at__gte=started).update(created_at=moment)
    Contribution.objects.filter(verified_at__gte=started).update(verified_at=moment)


@pytest.fixture
def compact(db):
    """A compact whose first fiscal year is FY2025: the report's one year."""
    return CompactFactory(signed_on=dt.date(2024, 10, 15), start_date=dt.date(2024, 10, 15),
                          end_date=dt.date(2028, 10, 14))


@pytest.fixture
def indicators(compact):
    return [IndicatorFactory(compact=compact, code=f"PROT-{n}") for n in range(1, 6)]


def key_the_year(compact, indicators, staff, supervisor, *, late: bool = False) -> dict:
    """The whole FY2025 record: a target per indicator, an approved result per indicator,
    the dialogue held on 15 November 2025 with each indicator discussed that day, its
    sustainability discussion, a partner contribution with evidence verified by a second
    staff member, and (on time) the sustainability plan requested in the year. On time:
    each piece on its day. ``late``: all of it keyed on 1 December 2026, after TIP staff
    unlocked the year (its window closed on 28 January 2026)."""
    def when(moment):
        return written_at(at(2026, 12, 1) if late else moment)

    if late:
        with when(None):
            year_locks.fiscal_year_unlock(user=staff, compact=compact, fiscal_year=FISCAL_YEAR,
                                          reason="Keying the FY2025 record from the files.")
    else:
        with when(at(2025, 9, 1)):
            plan = contribution_services.plan_create(user=staff, compact=compact, measures=[{
                "description": "Fund the shelters from the national budget.",
                "category": "budget_line", "responsible_institution": "Ministry of Gender"}])
            contribution_services.plan_request(user=staff, plan=plan,
                                               due_on=dt.date(2026, 6, 30))
    with when(at(2024, 10, 20)):
        for indicator in indicators:
            indicator_services.target_create(indicator=indicator, fiscal_year=FISCAL_YEAR,
                                             value=Decimal("100"), user=staff)
    with when(at(2025, 11, 10)):
        results = [indicator_services.result_record(user=staff, indicator=indicator,
                                                    fiscal_year=FISCAL_YEAR,
                                                    value=Decimal("110"))
                   for indicator in indicators]
        contribution = contribution_services.contribution_create(
            user=staff, compact=compact, fiscal_year=FISCAL_YEAR, kind="funding",
            description="Sample: ministry budget line for shelters.",
            amount_local=Decimal("50000.00"), currency="USD", amount_usd=Decimal("50000.00"),
            evidence=SimpleUploadedFile("evidence.pdf", pdf_bytes()))
    with when(at(2025, 11, 12)):
        contribution = contribution_services.contribution_verify(contribution=contribution,
                                                                 user=supervisor)
    with when(at(2025, 10, 1)):
        dialogue = dialogue_services.dialogue_create(user=staff, compact=compact,
                                                     fiscal_year=FISCAL_YEAR, scheduled_for=HELD)
    with when(at(2025, 11, 15)):
        dialogue = dialogue_services.dialogue_move(user=staff, dialogue=dialogue, status="held",
                                                   held_on=HELD)
        for indicator in indicators:
            dialogue_services.discussion_record(
                dialogue=dialogue, indicator=indicator, user=staff,
                notes="The year's figure was reviewed against its target.")
        dialogue = dialogue_services.dialogue_update(user=staff, dialogue=dialogue, data={
            "sustainability_discussed": True,
            "sustainability_notes": "The plan to fund the shelters after the compact."})
    return {"results": results, "contribution": contribution, "dialogue": dialogue}


def read(compact, data_as_of=AS_OF):
    """The report's content and the FY2025 row of the compact's counts."""
    content = report_content(kind="compact_oversight", fiscal_year=FISCAL_YEAR,
                             compact_id=compact.pk, data_as_of=data_as_of)
    (row,) = content.reliability.counts.compacts[0].rows
    return content, row


def pdf_text(content) -> str:
    reader = pypdf.PdfReader(io.BytesIO(html_to_pdf(render_html(content)).data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def reliability_text(content) -> str:
    text = pdf_text(content)
    return text[text.index("Data reliability Of "):text.index("Appendix: ", text.index(
        "Data reliability Of "))]


@pytest.fixture
def staff(staff_user):
    return staff_user


@pytest.fixture
def supervisor(supervisor_user):
    return supervisor_user


def test_a_whole_year_keyed_after_it_ended_is_not_sufficiently_reliable(
        compact, indicators, staff, supervisor, private_storage):
    """The issue's finding: a whole FY 2025 record keyed in December 2026 read "sufficiently
    reliable". Now every piece counts as entered late, the discussions as recorded late,
    the unlock is counted with its reason, and the conclusion says not reliable."""
    key_the_year(compact, indicators, staff, supervisor, late=True)
    content, row = read(compact)
    counts = row.counts
    assert (counts.records, counts.entered_late, counts.flagged) == (17, 17, 17)
    assert (counts.late_targets, counts.late_results, counts.late_contributions,
            counts.late_discussions, counts.late_dialogues) == (5, 5, 1, 5, 1)
    assert counts.discussions_recorded_late == 5 and counts.unlocks == 1
    assert counts.contributions_verified == 1  # by the second person, though late
    assert row.judgement.level == NOT_SUFFICIENT
    assert content.reliability.counts.total.judgement.level == NOT_SUFFICIENT

    text = reliability_text(content)
    assert ("Conclusion: Not sufficiently reliable. 17 of 17 records (100%) flagged: 17 "
            "entered late (5 indicator results, 5 targets, 1 partner contribution, 5 "
            "discussions, 1 dialogue record); 5 discussions recorded more than 30 days after "
            "the dialogue; 1 unlock.") in text
    assert "Keying the FY2025 record from the files." in text  # the unlock's reason
    assert "sufficiently reliable for reporting" not in text  # the old verdict by default
    # The rule is printed beside the conclusion.
    assert ("Reliable with limitations when records are flagged but at most 10% of the "
            "year's records, or none is flagged but the year was unlocked") in text
    assert "after its fiscal year ended (as check 3 reads it)" in text


def test_a_record_entered_on_time_is_sufficiently_reliable(compact, indicators, staff,
                                                           supervisor, private_storage):
    key_the_year(compact, indicators, staff, supervisor)
    content, row = read(compact)
    counts = row.counts
    # 5 targets, 5 results, 5 discussions, the dialogue, the contribution, the plan request.
    assert (counts.records, counts.results, counts.contributions) == (18, 5, 1)
    assert (counts.flagged, counts.entered_late, counts.unlocks) == (0, 0, 0)
    assert counts.contributions_verified == 1
    assert row.judgement.level == SUFFICIENT

    text = reliability_text(content)
    assert ("Conclusion: Sufficiently reliable. None of the 18 records is flagged, and there "
            "was no unlock.") in text
    assert "FY2025 18 0 0 0 1 of 1 0 Sufficiently reliable" in text  # the year's row
    assert "No fiscal year of these compacts up to FY2025 was unlocked." in text


def test_an_unlock_limits_the_conclusion(compact, indicators, staff, supervisor,
                                         private_storage):
    key_the_year(compact, indicators, staff, supervisor)
    with written_at(at(2026, 3, 2)):
        year_locks.fiscal_year_unlock(user=staff, compact=compact, fiscal_year=FISCAL_YEAR,
                                      reason="The ministry corrected a referral count.")
    content, row = read(compact)
    assert (row.counts.unlocks, row.counts.flagged) == (1, 0)
    assert row.judgement.level == LIMITED
    text = reliability_text(content)
    assert "Conclusion: Reliable with limitations. No record flagged; 1 unlock." in text
    assert "FY2025 2026-03-02 staff The ministry corrected a referral count." in text


def test_a_discussion_recorded_late_is_counted(compact, indicators, staff, supervisor,
                                               private_storage):
    records = key_the_year(compact, indicators, staff, supervisor)
    # 35 days after the dialogue, while the year's window is still open.
    with written_at(at(2025, 12, 20)):
        dialogue_services.discussion_record(
            dialogue=records["dialogue"], indicator=indicators[0], user=staff,
            notes="Notes of the referral discussion, typed in later.")
    content, row = read(compact)
    assert (row.counts.discussions_recorded_late, row.counts.entered_late) == (1, 0)
    assert (row.counts.flagged, row.counts.records) == (1, 19)
    assert row.judgement.level == LIMITED
    assert ("Conclusion: Reliable with limitations. 1 of 19 records (5%) flagged: 1 "
            "discussion recorded more than 30 days after the dialogue.") in reliability_text(
        content)


def test_an_edit_after_approval_is_counted_and_more_than_a_tenth_is_not_reliable(
        compact, indicators, staff, supervisor, private_storage):
    records = key_the_year(compact, indicators, staff, supervisor)
    first, second = records["results"][:2]
    with written_at(at(2025, 12, 1)):
        indicator_services.result_update(user=staff, result=first,
                                         data={"value": Decimal("120")},
                                         change_reason="The ministry's final figure.")
    content, row = read(compact)
    assert (row.counts.results_changed_after_approval, row.counts.flagged) == (1, 1)
    assert row.judgement.level == LIMITED
    assert "1 of 18 records (6%) flagged: 1 approved result changed afterwards." in (
        reliability_text(content))

    with written_at(at(2025, 12, 2)):
        indicator_services.result_update(user=staff, result=second,
                                         data={"value": Decimal("95")},
                                         change_reason="The ministry's final figure.")
    content, row = read(compact)
    assert (row.counts.results_changed_after_approval, row.counts.flagged) == (2, 2)
    assert row.judgement.level == NOT_SUFFICIENT  # 2 of 18 is more than 10%
    assert ("Conclusion: Not sufficiently reliable. 2 of 18 records (11%) flagged: 2 approved "
            "results changed afterwards.") in reliability_text(content)


def test_a_verified_contribution_changed_afterwards_is_one_record_flagged(
        compact, indicators, staff, supervisor, private_storage):
    records = key_the_year(compact, indicators, staff, supervisor)
    with written_at(at(2025, 12, 1)):
        contribution_services.contribution_update(
            contribution=records["contribution"], data={"amount_usd": Decimal("65000.00")},
            user=staff, reason="Budget restated.")
    content, row = read(compact)
    counts = row.counts
    # Changed after verification, and so no longer verified: one record, named twice.
    assert counts.contributions_changed_after_verification == 1
    assert (counts.contributions_unverified, counts.contributions_verified) == (1, 0)
    assert counts.flagged == 1 and row.judgement.level == LIMITED
    assert ("1 verified contribution changed afterwards; 1 contribution without a second "
            "person's verification (1 not verified)") in reliability_text(content)


def test_an_empty_record_is_not_called_reliable(compact, indicators, staff):
    content, row = read(compact)
    assert row.counts.records == 0 and row.judgement.level == NO_DATA
    # Targets alone give no figures to judge either.
    with written_at(at(2024, 10, 20)):
        indicator_services.target_create(indicator=indicators[0], fiscal_year=FISCAL_YEAR,
                                         value=Decimal("100"), user=staff)
    content, row = read(compact)
    assert row.counts.records == 1 and row.judgement.level == NO_DATA
    text = reliability_text(content)
    assert ("Conclusion: No data to judge. No indicator result and no partner contribution is "
            "on record: there is no data to judge.") in text
    assert "Conclusion: Sufficiently reliable" not in text
    assert "sufficiently reliable for reporting" not in text


def test_the_counts_are_read_as_of_the_reports_data_moment(compact, indicators, staff,
                                                           supervisor, private_storage):
    key_the_year(compact, indicators, staff, supervisor, late=True)
    # Before the late keying, the year had nothing on record and no unlock.
    _content, row = read(compact, data_as_of=at(2026, 6, 1))
    assert (row.counts.records, row.counts.unlocks) == (0, 0)
    assert row.judgement.level == NO_DATA
    _content, row = read(compact)
    assert row.judgement.level == NOT_SUFFICIENT


def test_history_after_the_data_moment_is_not_counted(compact, indicators, staff, supervisor,
                                                      private_storage):
    records = key_the_year(compact, indicators, staff, supervisor)
    with written_at(at(2025, 12, 10)):
        indicator_services.result_update(user=staff, result=records["results"][0],
                                         data={"value": Decimal("120")},
                                         change_reason="The ministry's final figure.")
    # As of 20 November 2025 the result stood approved and unchanged (the record as it stood
    # then, not as it is now).
    _content, row = read(compact, data_as_of=at(2025, 11, 20))
    assert (row.counts.records, row.counts.results_changed_after_approval) == (18, 0)
    assert row.judgement.level == SUFFICIENT
    _content, row = read(compact, data_as_of=at(2025, 12, 15))
    assert row.counts.results_changed_after_approval == 1
    assert row.judgement.level == LIMITED


def test_the_rule_at_its_threshold():
    """Exactly a tenth of the records flagged is a limitation; more is not reliable; an unlock
    alone is a limitation; no result and no contribution is no data, whatever else."""
    def of(**counts):
        return judge(Counts(**counts)).level

    assert of(records=10, results=10, late_results=1, flagged=1) == LIMITED
    assert of(records=19, results=19, late_results=2, flagged=2) == NOT_SUFFICIENT
    assert of(records=3, results=3, unlocks=1) == LIMITED
    assert of(records=3, contributions=1, results=2) == SUFFICIENT
    assert of(records=2, contributions=2, contributions_self_verified=1, flagged=1) == (
        NOT_SUFFICIENT)
    assert of(records=4, late_targets=4, flagged=4, unlocks=2) == NO_DATA


def test_past_the_detail_limit_each_compact_is_one_row(settings, compact, indicators, staff,
                                                       supervisor, private_storage):
    from django.utils.html import escape

    from reports.rendering import render_html

    key_the_year(compact, indicators, staff, supervisor, late=True)
    other = CompactFactory(signed_on=dt.date(2024, 10, 15), start_date=dt.date(2024, 10, 15),
                           end_date=dt.date(2028, 10, 14))
    settings.REPORTS_PROGRAM_DETAIL_LIMIT = 1
    content = report_content(kind="program_oversight", fiscal_year=FISCAL_YEAR,
                             compact_id=None, data_as_of=AS_OF)
    assert content.summary_only
    html = render_html(content)
    assert "Data reliability counts by compact, fiscal years up to FY2025" in html
    table = html.split("Data reliability counts by compact", 1)[1].split("</table>", 1)[0]
    assert f'<td>{escape(compact.country.name)}</td><td class="num">17</td>' in table
    assert f'<td>{escape(other.country.name)}</td><td class="num">0</td>' in table
    assert "No data to judge" in table and "Not sufficiently reliable" in table
    # The report's conclusion adds every compact up.
    assert content.reliability.counts.total.judgement.level == NOT_SUFFICIENT
