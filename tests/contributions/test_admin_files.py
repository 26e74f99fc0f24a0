"""The admin shows a contribution's evidence and a plan's document as links to the views
that check scope (private storage has no URL; asking it for one was a server error)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.contributions.factories import ContributionFactory, SustainabilityPlanFactory

pytestmark = pytest.mark.django_db


def test_contribution_change_page_links_the_evidence(client, staff_user, ghana_compact,
                                                     private_storage):
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True)
    client.force_login(staff_user)
    response = client.get(f"/admin/contributions/contribution/{contribution.pk}/change/")
    assert response.status_code == 200
    assert f'href="{contribution.evidence.url}"' in response.content.decode()
    assert contribution.evidence.url.startswith("/files/")


def test_plan_change_page_links_the_document(client, staff_user, ghana_compact,
                                             private_storage):
    plan = SustainabilityPlanFactory(
        compact=ghana_compact, document=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"))
    client.force_login(staff_user)
    response = client.get(f"/admin/contributions/sustainabilityplan/{plan.pk}/change/")
    assert response.status_code == 200
    assert f'href="{plan.document.url}"' in response.content.decode()
    assert plan.document.url.startswith("/files/")
