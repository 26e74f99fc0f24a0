"""The compact document and pledge pages, the compact page's panel and the contributions
page's pledged-against-recorded table: roles, scope, forms and query counts."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compacts.models import CompactDocument, PartnerPledge
from cpc.versions import record_version
from tests.compacts.factories import (
    CompactDocumentFactory,
    CompactFactory,
    ObjectiveFactory,
    PartnerCountryFactory,
    PartnerPledgeFactory,
)
from tests.documents import pdf_bytes

pytestmark = pytest.mark.django_db


def test_the_compact_page_names_what_the_document_misses(client, staff_user, ghana_compact):
    CompactDocumentFactory(compact=ghana_compact, activities="   ", monitoring_mechanism="TBD")
    client.force_login(staff_user)
    body = client.get(f"/compacts/{ghana_compact.pk}/").content.decode()
    assert 'data-testid="document-panel"' in body
    for key in ("objectives", "activities", "monitoring_mechanism",
                "partner_estimated_contribution", "signed_document"):
        assert f'data-testid="missing-{key}"' in body
    for key in ("us_responsibilities", "us_estimated_contribution"):
        assert f'data-testid="missing-{key}"' not in body
    assert f"/compacts/{ghana_compact.pk}/document/edit/" in body
    assert f"/compacts/{ghana_compact.pk}/pledges/" in body


def test_readers_see_the_panel_without_links_to_complete(client, auditor_user, ghana_compact):
    client.force_login(auditor_user)
    body = client.get(f"/compacts/{ghana_compact.pk}/").content.decode()
    assert 'data-testid="missing-activities"' in body
    assert "/document/edit/" not in body


def test_every_role_in_scope_reads_the_document_page(client, ghana_officer, auditor_user,
                                                      ghana_compact, peru_compact):
    CompactDocumentFactory(compact=ghana_compact)
    PartnerPledgeFactory(compact=ghana_compact, currency="GHS")
    for user in (ghana_officer, auditor_user):
        client.force_login(user)
        response = client.get(f"/compacts/{ghana_compact.pk}/document/")
        assert response.status_code == 200
        assert b"Staff the specialized shelters" in response.content
        assert b'data-testid="pledge-list"' in response.content
        assert b"document-edit-link" not in response.content
    client.force_login(ghana_officer)
    assert client.get(f"/compacts/{peru_compact.pk}/document/").status_code == 404


@pytest.mark.parametrize("path", ["document/edit/", "pledges/"])
def test_only_staff_open_the_writing_pages(client, ghana_officer, auditor_user, staff_user,
                                           ghana_compact, path):
    for user in (ghana_officer, auditor_user):
        client.force_login(user)
        assert client.get(f"/compacts/{ghana_compact.pk}/{path}").status_code == 403
        assert client.post(f"/compacts/{ghana_compact.pk}/{path}", {}).status_code == 403
    client.force_login(staff_user)
    assert client.get(f"/compacts/{ghana_compact.pk}/{path}").status_code == 200


def test_staff_record_the_document_with_its_signed_file(client, staff_user, ghana_compact,
                                                        private_storage):
    client.force_login(staff_user)
    data = {"us_responsibilities": "Fund and monitor.", "activities": "Shelters.",
            "is_public": "on", "public_url": "https://example.org/compact.pdf",
            "signed_document": SimpleUploadedFile("compact.pdf", pdf_bytes())}
    response = client.post(f"/compacts/{ghana_compact.pk}/document/edit/", data)
    assert response.status_code == 302
    document = CompactDocument.objects.get(compact=ghana_compact)
    assert document.is_public and document.signed_document
    assert document.recorded_by == staff_user
    download = client.get(f"/compacts/{ghana_compact.pk}/document/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_form_error_and_a_stale_version_are_shown(client, staff_user, ghana_compact):
    client.force_login(staff_user)
    response = client.post(f"/compacts/{ghana_compact.pk}/document/edit/",
                           {"public_url": "https://example.org/c.pdf"})
    assert response.status_code == 400
    assert b"Only a public document has a public address" in response.content
    document = CompactDocumentFactory(compact=ghana_compact)
    stale = record_version(document)
    CompactDocument.objects.filter(pk=document.pk).update(activities="Changed meanwhile.")
    response = client.post(f"/compacts/{ghana_compact.pk}/document/edit/",
                           {"activities": "Mine.", "version": stale})
    assert response.status_code == 409
    document.refresh_from_db()
    assert document.activities == "Changed meanwhile."


def test_staff_add_and_edit_a_pledge(client, staff_user, ghana_compact):
    client.force_login(staff_user)
    url = f"/compacts/{ghana_compact.pk}/pledges/"
    bad = client.post(url, {"fiscal_year": 2023, "kind": "funding"})
    assert bad.status_code == 400 and not PartnerPledge.objects.exists()
    response = client.post(url, {"fiscal_year": 2023, "kind": "funding",
                                 "amount_local": "1000000", "currency": "GHS",
                                 "amount_usd": "90000", "source": "Section 4.2"})
    assert response.status_code == 302
    pledge = PartnerPledge.objects.get()
    edit = client.get(f"/compacts/pledges/{pledge.pk}/")
    assert edit.status_code == 200
    response = client.post(f"/compacts/pledges/{pledge.pk}/", {
        "fiscal_year": 2024, "kind": "funding", "amount_local": "1000000", "currency": "GHS",
        "amount_usd": "95000", "source": "Section 4.2", "version": record_version(pledge)})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.fiscal_year, pledge.amount_usd) == (2024, Decimal("95000.00"))


def test_the_compact_page_does_the_same_queries_with_more_compacts(
        client, staff_user, django_assert_num_queries):
    def populate(count, pledges):
        compacts = []
        for _ in range(count):
            compact = CompactFactory(country=PartnerCountryFactory())
            ObjectiveFactory(compact=compact)
            CompactDocumentFactory(compact=compact)
            for year in range(2023, 2023 + pledges):
                PartnerPledgeFactory(compact=compact, fiscal_year=year)
            compacts.append(compact)
        return compacts

    client.force_login(staff_user)
    small = populate(2, 1)
    client.get(f"/compacts/{small[0].pk}/")
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/compacts/{small[0].pk}/").status_code == 200
    big = populate(15, 5)
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(f"/compacts/{big[0].pk}/").status_code == 200


def test_the_cached_compact_page_follows_a_saved_document(client, staff_user, ghana_compact,
                                                          django_capture_on_commit_callbacks):
    from compacts.partnership import services

    client.force_login(staff_user)
    assert b'data-testid="missing-activities"' in client.get(
        f"/compacts/{ghana_compact.pk}/").content
    with django_capture_on_commit_callbacks(execute=True):
        services.compact_document_save(user=staff_user, compact=ghana_compact,
                                       data={"activities": "Specialized shelters."})
    assert b'data-testid="missing-activities"' not in client.get(
        f"/compacts/{ghana_compact.pk}/").content
