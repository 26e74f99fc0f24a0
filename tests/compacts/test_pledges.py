"""Partner pledges and the compact's document: model rules through the services, and who
may write them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compacts.models import PartnerPledge
from compacts.partnership import services
from cpc.versions import RecordChanged, record_version
from tests.compacts.factories import CompactFactory, PartnerPledgeFactory

pytestmark = pytest.mark.django_db


def pledge(user, compact, **overrides):
    fields = {"fiscal_year": 2023, "kind": "funding", "amount_local": Decimal("1000"),
              "currency": "PEN", "amount_usd": Decimal("270"), "source": "Section 4"}
    return services.pledge_create(user=user, compact=compact, **(fields | overrides))


def test_staff_record_a_pledge_stamped_with_who(staff_user):
    created = pledge(staff_user, CompactFactory())
    assert created.recorded_by == staff_user and created.recorded_at is not None
    assert not created.is_sample


@pytest.mark.parametrize(("overrides", "field"), [
    ({"amount_local": None, "amount_usd": None}, "amount_usd"),
    ({"amount_local": Decimal("0"), "amount_usd": Decimal("0")}, "amount_usd"),
    ({"currency": ""}, "currency"),
    ({"currency": "soles"}, "currency"),
    ({"personnel_count": 4}, "personnel_count"),
    ({"amount_usd": Decimal("-1")}, "amount_usd"),
    ({"fiscal_year": 2030}, "fiscal_year"),
    ({"fiscal_year": 1999}, "fiscal_year"),
    ({"source": "x" * 2001}, "source"),
])
def test_a_pledge_is_refused_with_the_field_named(staff_user, overrides, field):
    with pytest.raises(ValidationError) as error:
        pledge(staff_user, CompactFactory(), **overrides)
    assert field in error.value.message_dict
    assert not PartnerPledge.objects.exists()


def test_personnel_pledge_states_a_number_of_people(staff_user):
    created = pledge(staff_user, CompactFactory(), kind="personnel", amount_local=None,
                     currency="", amount_usd=None, personnel_count=12)
    assert created.personnel_count == 12


def test_other_roles_cannot_write(auditor_user, ghana_officer, ghana_compact):
    for user in (auditor_user, ghana_officer, None):
        with pytest.raises(PermissionDenied):
            pledge(user, ghana_compact)
        with pytest.raises(PermissionDenied):
            services.compact_document_save(user=user, compact=ghana_compact,
                                           data={"activities": "Shelters"})


def test_an_update_changes_only_the_given_fields_and_refuses_a_stale_version(staff_user,
                                                                          supervisor_user):
    existing = PartnerPledgeFactory()
    shown = record_version(existing)
    services.pledge_update(user=supervisor_user, pledge=existing,
                           data={"amount_usd": Decimal("300")}, version=shown)
    existing.refresh_from_db()
    assert existing.amount_usd == Decimal("300") and existing.currency == "PEN"
    assert existing.recorded_by == supervisor_user
    with pytest.raises(RecordChanged):
        services.pledge_update(user=staff_user, pledge=existing,
                               data={"amount_usd": Decimal("1")}, version=shown)


def test_the_document_is_created_then_updated(staff_user):
    compact = CompactFactory()
    document = services.compact_document_save(user=staff_user, compact=compact,
                                              data={"activities": "  Shelters  "})
    assert document.activities == "Shelters"
    services.compact_document_save(user=staff_user, compact=compact,
                                   data={"is_public": True,
                                         "public_url": "https://example.org/compact.pdf"},
                                   version=record_version(document))
    document.refresh_from_db()
    assert document.activities == "Shelters" and document.publishable_url
    with pytest.raises(ValidationError) as error:
        services.compact_document_save(user=staff_user, compact=compact,
                                       data={"is_public": False})
    assert "public_url" in error.value.message_dict


def test_a_users_change_makes_a_sample_pledge_theirs(staff_user):
    from cpc.samples import loading_samples

    with loading_samples():
        sample = PartnerPledgeFactory()
    assert sample.is_sample
    services.pledge_update(user=staff_user, pledge=sample, data={"source": "Section 9"})
    sample.refresh_from_db()
    assert sample.is_sample  # the clause is no figure
    services.pledge_update(user=staff_user, pledge=sample, data={"amount_usd": Decimal("5")})
    sample.refresh_from_db()
    assert not sample.is_sample
