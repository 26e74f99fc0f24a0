"""Implementers: staff of an implementing organisation see the compacts where their
organisation holds awards, record results (and their source documents) for the indicators of
those awards, read the reviewers' notes, and change nothing else."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from compacts import services
from cpc.access import scoping
from cpc.access.roles import IMPLEMENTER
from indicators import services as indicator_services
from indicators.models import Result, ResultStatus
from tests.compacts.factories import (
    AwardFactory,
    CompactFactory,
    ImplementerFactory,
    UserFactory,
)
from tests.indicators.factories import IndicatorFactory

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = pytest.mark.usefixtures("past_years_open")


@pytest.fixture
def organisation(db):
    return ImplementerFactory(name="Fundación Ejemplo")


@pytest.fixture
def implementer(organisation):
    user = UserFactory(username="implementer.one")
    services.user_assign_role(user=user, role=IMPLEMENTER, implementers=[organisation])
    return user


@pytest.fixture
def setting(organisation, ghana, peru):
    """Ghana's compact: one award of the organisation (reporting indicator ``own``) and one
    of another (reporting ``other``). Peru's compact: no award of the organisation."""
    compact = CompactFactory(country=ghana)
    own_award = AwardFactory(compact=compact, implementer=organisation)
    other_award = AwardFactory(compact=compact)
    own = IndicatorFactory(compact=compact, code="OWN-1")
    other = IndicatorFactory(compact=compact, code="OTHER-1")
    own.awards.add(own_award)
    other.awards.add(other_award)
    # Another compact of the same country, without an award of theirs: not theirs to see.
    neighbour = CompactFactory(country=ghana, title="Second Ghana compact")
    IndicatorFactory(compact=neighbour, code="NB-1").awards.add(AwardFactory(compact=neighbour))
    peru_compact = CompactFactory(country=peru)
    peru_indicator = IndicatorFactory(compact=peru_compact, code="PE-1")
    peru_indicator.awards.add(AwardFactory(compact=peru_compact))
    return {"compact": compact, "own": own, "other": other, "peru_compact": peru_compact,
            "neighbour": neighbour,
            "peru_indicator": peru_indicator}


def year_of(indicator):
    return indicator.compact.fiscal_years()[0]


def test_an_implementer_sees_only_the_compacts_of_their_awards(api_for, implementer, setting):
    api = api_for(implementer)
    compacts = {row["id"] for row in api.get("/api/v1/compacts/").json()["results"]}
    assert compacts == {setting["compact"].pk}
    for hidden in (setting["peru_compact"], setting["neighbour"]):
        assert api.get(f"/api/v1/compacts/{hidden.pk}/").status_code == 404
    indicators = {row["id"] for row in api.get("/api/v1/indicators/").json()["results"]}
    assert indicators == {setting["own"].pk, setting["other"].pk}
    me = api.get("/api/v1/me/").json()
    assert me["roles"] == [IMPLEMENTER]
    assert me["countries"] == ["GH"] and me["sees_every_country"] is False


def test_an_implementer_records_results_of_their_awards_indicators_only(api_for, implementer,
                                                                       setting):
    api = api_for(implementer)
    own, other, peru = setting["own"], setting["other"], setting["peru_indicator"]
    response = api.post("/api/v1/results/", {"indicator": own.pk, "fiscal_year": year_of(own),
                                             "value": "12"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == ResultStatus.SUBMITTED  # goes to review
    assert response.json()["reported_by"] == "implementer.one"
    for indicator in (other, peru):
        response = api.post("/api/v1/results/", {
            "indicator": indicator.pk, "fiscal_year": year_of(indicator), "value": "5",
        }, format="json")
        assert response.status_code == 400
        assert "indicator" in response.json()
    assert list(Result.objects.values_list("indicator_id", flat=True)) == [own.pk]


def test_the_service_refuses_another_indicator_whatever_the_caller(implementer, setting):
    other = setting["other"]
    with pytest.raises(ValidationError) as refused:
        indicator_services.result_record(user=implementer, indicator=other,
                                         fiscal_year=year_of(other), value=Decimal("3"))
    assert refused.value.message_dict["indicator"] == [indicator_services.ERR_NOT_YOUR_AWARD]
    # A result someone else recorded for that indicator is visible but not theirs to change.
    result = Result.objects.create(indicator=other, fiscal_year=year_of(other),
                                   value=Decimal("4"), status=ResultStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        indicator_services.result_update(user=implementer, result=result,
                                         data={"value": Decimal("40")})
    result.refresh_from_db()
    assert result.value == Decimal("4")


def test_an_implementer_attaches_source_documents_to_their_results_only(
        implementer, setting, private_storage):
    own, other = setting["own"], setting["other"]
    mine = Result.objects.create(indicator=own, fiscal_year=year_of(own), value=Decimal("1"),
                                 status=ResultStatus.SUBMITTED, reported_by=implementer)
    theirs = Result.objects.create(indicator=other, fiscal_year=year_of(other),
                                   value=Decimal("1"), status=ResultStatus.SUBMITTED)
    client = Client()
    client.force_login(implementer)
    compact = setting["compact"]
    for result, expected in ((mine, 302), (theirs, 403)):
        response = client.post(
            f"/indicators/compact/{compact.pk}/results/{result.pk}/documents/",
            {"title": "Register extract",
             "file": SimpleUploadedFile("extract.pdf", b"%PDF-1.4 extract")})
        assert response.status_code == expected
    assert mine.documents.count() == 1
    assert theirs.documents.count() == 0


def test_the_data_entry_grid_offers_their_indicators_only(implementer, setting):
    client = Client()
    client.force_login(implementer)
    compact = setting["compact"]
    page = client.get(f"/indicators/compact/{compact.pk}/data-entry/")
    assert page.status_code == 200
    assert "OWN-1" in page.content.decode()
    assert "OTHER-1" not in page.content.decode()
    for hidden in (setting["peru_compact"], setting["neighbour"]):
        assert client.get(f"/indicators/compact/{hidden.pk}/data-entry/").status_code == 404


def test_a_compact_without_their_indicators_offers_no_entry(organisation, implementer, ghana):
    """An award whose indicators are not linked yet gives sight of the compact, not entry."""
    compact = CompactFactory(country=ghana)
    AwardFactory(compact=compact, implementer=organisation)
    IndicatorFactory(compact=compact, code="UNLINKED-1")
    client = Client()
    client.force_login(implementer)
    assert client.get(f"/indicators/compact/{compact.pk}/").status_code == 200
    assert client.get(f"/indicators/compact/{compact.pk}/data-entry/").status_code == 403


def test_my_work_shows_the_reviewers_note(implementer, setting, staff_user):
    own = setting["own"]
    result = indicator_services.result_record(user=implementer, indicator=own,
                                              fiscal_year=year_of(own), value=Decimal("9"))
    indicator_services.result_return(user=staff_user, result=result,
                                     review_note="Attach the register extract.")
    client = Client()
    client.force_login(implementer)
    page = client.get("/work/").content.decode()
    assert "Results returned to you (1)" in page
    assert "Attach the register extract." in page
    assert "Compacts where your organisation holds awards (1)" in page


def test_an_award_of_another_compact_cannot_be_linked(setting):
    foreign = AwardFactory(compact=setting["peru_compact"])
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        setting["own"].awards.add(foreign)
    assert "awards" in refused.value.message_dict
    with pytest.raises(ValidationError), transaction.atomic():  # from the award's side too
        foreign.indicators.add(setting["own"])
    assert not setting["own"].awards.filter(pk=foreign.pk).exists()


def test_staff_link_awards_through_the_api(staff_api, setting):
    own, compact = setting["own"], setting["compact"]
    award = AwardFactory(compact=compact)
    response = staff_api.patch(f"/api/v1/indicators/{own.pk}/",
                               {"awards": [award.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["awards"] == [award.pk]
    foreign = AwardFactory(compact=setting["peru_compact"])
    response = staff_api.patch(f"/api/v1/indicators/{own.pk}/",
                               {"awards": [foreign.pk]}, format="json")
    assert response.status_code == 400
    assert "awards" in response.json()
    assert list(own.awards.all()) == [award]


def test_implementer_scope_key_differs_by_awards(implementer, setting, organisation):
    other = UserFactory(username="implementer.two")
    services.user_assign_role(user=other, role=IMPLEMENTER,
                              implementers=[ImplementerFactory(name="Another organisation")])
    assert scoping.scope_key(implementer) != scoping.scope_key(other)


def test_reviewers_are_told_to_return_an_implementers_result_to_the_implementer(
        implementer, setting, staff_user, ghana_officer, auditor_user):
    """The review list names whom a result goes back to: the implementer who submitted it,
    not an embassy officer; with reporters of both roles, whoever reported each."""
    own = setting["own"]
    indicator_services.result_record(user=implementer, indicator=own,
                                     fiscal_year=year_of(own), value=Decimal("9"))
    url = f"/indicators/compact/{setting['compact'].pk}/"
    client = Client()
    client.force_login(staff_user)
    page = client.get(url).content.decode()
    assert "return it to the implementer who reported it" in page
    assert "embassy officer" not in page and "to the officer" not in page
    assert 'data-testid="reporter-role">(implementer)</span>' in page
    assert "Note to implementer.one on OWN-1" in page
    client.force_login(auditor_user)
    assert "submitted by the implementer" in client.get(url).content.decode()

    # An officer's result beside it: the note names no single role.
    indicator_services.result_record(user=ghana_officer, indicator=setting["other"],
                                     fiscal_year=year_of(own), value=Decimal("4"))
    client.force_login(staff_user)
    page = client.get(url).content.decode()
    assert "return it to whoever reported it (named under Reported)" in page
    assert 'data-testid="reporter-role">(embassy officer)</span>' in page

    # Returned: the message names the person it went back to.
    result = Result.objects.get(indicator=own)
    response = client.post(f"{url}results/{result.pk}/return/",
                           {"review_note": "Attach the register extract."}, follow=True)
    assert f"OWN-1 FY{result.fiscal_year} returned to implementer.one." in (
        response.content.decode())
