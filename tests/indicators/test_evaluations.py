"""A compact's evaluations: the rules (its indicators are the compact's own, dates in
order, findings once published), TIP staff's pages, the scoped document and API, the
compact page and the report's methodology and findings."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpc.versions import RecordChanged, record_version
from indicators.evaluation_services import evaluation_create, evaluation_update
from indicators.models import Evaluation
from reports.content import report_content
from reports.rendering import render_html
from tests.compacts.factories import CompactFactory, PartnerCountryFactory
from tests.documents import pdf_bytes
from tests.indicators.factories import EvaluationFactory, IndicatorFactory

pytestmark = pytest.mark.django_db

BASE = {"kind": "endline", "title": "Endline evaluation",
        "fieldwork_start": dt.date(2020, 9, 1), "fieldwork_end": dt.date(2020, 12, 15)}


class TestRules:
    def test_indicators_of_another_compact_are_refused(self, staff_user, ghana_compact,
                                                       peru_compact):
        own, other = IndicatorFactory(compact=ghana_compact), IndicatorFactory(
            compact=peru_compact)
        with pytest.raises(ValidationError) as error:
            evaluation_create(user=staff_user, compact=ghana_compact, indicators=[own, other],
                              **BASE)
        assert "indicators" in error.value.message_dict
        assert not Evaluation.objects.exists()
        evaluation = evaluation_create(user=staff_user, compact=ghana_compact,
                                       indicators=[own], **BASE)
        with pytest.raises(ValidationError):
            evaluation_update(user=staff_user, evaluation=evaluation, data={},
                              indicators=[other])
        assert list(evaluation.indicators.all()) == [own]

    @pytest.mark.parametrize(("changes", "field"), [
        ({"fieldwork_end": dt.date(2020, 8, 1)}, "fieldwork_end"),
        ({"published_on": dt.date(2020, 1, 1), "key_findings": "x"}, "published_on"),
        ({"published_on": dt.date.today() + dt.timedelta(days=2), "key_findings": "x"},
         "published_on"),
        ({"published_on": dt.date(2021, 6, 30), "key_findings": "  "}, "key_findings"),
    ])
    def test_dates_in_order_and_findings_once_published(self, staff_user, ghana_compact,
                                                        changes, field):
        with pytest.raises(ValidationError) as error:
            evaluation_create(user=staff_user, compact=ghana_compact, **(BASE | changes))
        assert field in error.value.message_dict

    def test_an_unpublished_study_may_have_no_findings_yet(self, staff_user, ghana_compact):
        evaluation = evaluation_create(user=staff_user, compact=ghana_compact, **BASE)
        assert evaluation.key_findings == "" and evaluation.recorded_by == staff_user

    def test_database_keeps_fieldwork_in_order(self, ghana_compact):
        from django.db import IntegrityError, transaction
        with pytest.raises(IntegrityError), transaction.atomic():
            Evaluation.objects.create(compact=ghana_compact, kind="baseline", title="x",
                                      fieldwork_start=dt.date(2021, 1, 2),
                                      fieldwork_end=dt.date(2021, 1, 1))

    @pytest.mark.parametrize("who", ["auditor_user", "ghana_officer"])
    def test_only_staff_write(self, request, who, ghana_compact):
        user = request.getfixturevalue(who)
        with pytest.raises(PermissionDenied):
            evaluation_create(user=user, compact=ghana_compact, **BASE)
        evaluation = EvaluationFactory(compact=ghana_compact)
        with pytest.raises(PermissionDenied):
            evaluation_update(user=user, evaluation=evaluation, data={"title": "Mine"})

    def test_a_stale_edit_is_refused(self, staff_user, ghana_compact):
        evaluation = EvaluationFactory(compact=ghana_compact)
        shown = record_version(evaluation)
        evaluation_update(user=staff_user, evaluation=evaluation, data={"title": "New"},
                          version=shown)
        with pytest.raises(RecordChanged):
            evaluation_update(user=staff_user, evaluation=evaluation,
                              data={"title": "Mine"}, version=shown)
        assert Evaluation.objects.get().title == "New"


class TestPages:
    def test_staff_record_one_with_its_report_and_every_reader_sees_it(
            self, client, staff_user, auditor_user, private_storage, ghana_compact):
        indicator = IndicatorFactory(compact=ghana_compact, code="GH-1")
        client.force_login(staff_user)
        url = f"/indicators/compact/{ghana_compact.pk}/evaluations/new/"
        assert client.get(url).status_code == 200
        response = client.post(url, {
            "kind": "endline", "title": "Ghana CPC endline evaluation",
            "fieldwork_start": "2020-09-01", "fieldwork_end": "2020-12-15",
            "published_on": "2021-06-30", "design": "Against comparison regions.",
            "key_findings": "Fewer children in exploitative labor.",
            "indicators": [indicator.pk],
            "document": SimpleUploadedFile("endline.pdf", pdf_bytes("Endline report."))})
        assert response.status_code == 302, response.content.decode()[:2000]
        evaluation = Evaluation.objects.get()
        client.force_login(auditor_user)
        page = client.get(f"/compacts/{ghana_compact.pk}/").content.decode()
        for text in ["Ghana CPC endline evaluation", "Against comparison regions.",
                     "Fewer children in exploitative labor.", "GH-1", "Endline"]:
            assert text in page
        assert "Record an evaluation" not in page
        download = client.get(f"/indicators/evaluations/{evaluation.pk}/document/")
        assert download.status_code == 200 and b"".join(download.streaming_content)

    def test_an_indicator_of_another_compact_is_a_form_error(self, client, staff_user,
                                                             ghana_compact, peru_compact):
        other = IndicatorFactory(compact=peru_compact)
        client.force_login(staff_user)
        response = client.post(
            f"/indicators/compact/{ghana_compact.pk}/evaluations/new/",
            BASE | {"indicators": [other.pk]})
        assert response.status_code == 400 and not Evaluation.objects.exists()

    def test_edit_keeps_the_document_and_refuses_a_stale_page(self, client, staff_user,
                                                             ghana_compact):
        evaluation = EvaluationFactory(compact=ghana_compact)
        client.force_login(staff_user)
        url = f"/indicators/evaluations/{evaluation.pk}/"
        version = client.get(url).context["form"]["version"].value()
        data = BASE | {"kind": "baseline", "title": "Renamed", "version": version}
        assert client.post(url, data).status_code == 302
        stale = client.post(url, data | {"title": "Stale"})
        assert stale.status_code == 409
        assert Evaluation.objects.get().title == "Renamed"

    def test_readers_may_not_open_the_forms(self, client, ghana_officer, ghana_compact,
                                            peru_compact):
        evaluation = EvaluationFactory(compact=ghana_compact)
        theirs = EvaluationFactory(compact=peru_compact)
        client.force_login(ghana_officer)
        assert client.get(f"/indicators/compact/{ghana_compact.pk}/evaluations/new/"
                          ).status_code == 403
        assert client.post(f"/indicators/evaluations/{evaluation.pk}/",
                           BASE).status_code == 403
        assert client.get(f"/indicators/evaluations/{theirs.pk}/").status_code == 404
        assert client.get(f"/indicators/evaluations/{theirs.pk}/document/"
                          ).status_code == 404


class TestApi:
    def test_scoped_list_filtered_by_compact(self, officer_api, staff_api, ghana_compact,
                                             peru_compact):
        indicator = IndicatorFactory(compact=ghana_compact)
        mine = EvaluationFactory(compact=ghana_compact)
        mine.indicators.set([indicator])
        EvaluationFactory(compact=peru_compact)
        rows = officer_api.get("/api/v1/evaluations/").json()["results"]
        assert [(r["id"], r["indicators"]) for r in rows] == [(mine.pk, [indicator.pk])]
        assert len(staff_api.get(f"/api/v1/evaluations/?compact={peru_compact.pk}"
                                 ).json()["results"]) == 1
        assert officer_api.get(f"/api/v1/evaluations/?compact={peru_compact.pk}"
                               ).status_code == 400

    def test_the_api_writes_nothing(self, staff_api, ghana_compact):
        response = staff_api.post("/api/v1/evaluations/", BASE | {"compact": ghana_compact.pk})
        assert response.status_code == 405 and not Evaluation.objects.exists()


def test_compact_page_queries_do_not_grow_with_compacts_or_evaluations(
        client, staff_user, ghana_compact, django_assert_num_queries):
    from django.core.cache import cache

    def build(n):
        for _ in range(n):
            compact = CompactFactory(country=PartnerCountryFactory())
            EvaluationFactory(compact=compact).indicators.set(
                [IndicatorFactory(compact=compact)])
        for code in range(n):
            EvaluationFactory(compact=ghana_compact).indicators.set(
                [IndicatorFactory(compact=ghana_compact, code=f"Q-{n}-{code}")])

    client.force_login(staff_user)
    url = f"/compacts/{ghana_compact.pk}/"
    build(2)
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    build(8)
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_report_names_evaluations_in_methodology_and_findings(ghana_compact):
    from tests.reports.factories import FISCAL_YEAR, reportable_compact

    reportable_compact(ghana_compact)
    indicator = ghana_compact.indicators.order_by("code").first()
    published = EvaluationFactory(
        compact=ghana_compact, kind="prevalence", title="Prevalence study",
        fieldwork_start=dt.date(FISCAL_YEAR - 1, 11, 1),
        fieldwork_end=dt.date(FISCAL_YEAR - 1, 12, 1), published_on=dt.date(FISCAL_YEAR, 3, 1),
        key_findings="One child in ten had been exploited.")
    published.indicators.set([indicator])
    EvaluationFactory(compact=ghana_compact, title="Later endline",
                      fieldwork_start=dt.date(FISCAL_YEAR + 1, 1, 1), fieldwork_end=None)
    html = render_html(report_content(
        kind="compact_oversight", fiscal_year=FISCAL_YEAR, compact_id=ghana_compact.pk,
        data_as_of=dt.datetime(FISCAL_YEAR + 1, 1, 15, 12, tzinfo=dt.UTC)))
    methodology = html[html.index('id="scope"'):html.index('id="findings"')]
    findings = html[html.index('id="findings"'):html.index('id="changes"')]
    assert "Prevalence study" in methodology and indicator.code in methodology
    assert "One child in ten had been exploited." in findings
    assert "Later endline" not in html  # after the report's year


def test_the_compact_history_lists_evaluations_and_selection_factors(client, staff_user,
                                                                     ghana_compact):
    from compacts.selection import selection_factor_save

    evaluation_create(user=staff_user, compact=ghana_compact, **BASE)
    selection_factor_save(user=staff_user, compact=ghana_compact, factor="freedom_house",
                          value="Free", source="Freedom in the World 2022",
                          as_of=dt.date(2022, 2, 24))
    client.force_login(staff_user)
    page = client.get(f"/history/compacts/{ghana_compact.pk}/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Evaluation: Endline evaluation" in text and "Selection factor:" in text
