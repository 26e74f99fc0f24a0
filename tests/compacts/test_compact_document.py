"""The compact's document: its elements, the signed file and whether it is public."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from compacts.models import ERR_PUBLIC_URL_NOT_PUBLIC, CompactDocument
from tests.compacts.factories import CompactFactory

pytestmark = pytest.mark.django_db


def test_a_public_address_needs_a_public_document():
    document = CompactDocument(compact=CompactFactory(), public_url="https://example.org/c.pdf")
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert error.value.message_dict["public_url"] == [str(ERR_PUBLIC_URL_NOT_PUBLIC)]
    with pytest.raises(IntegrityError), transaction.atomic():
        document.save()


def test_the_publishable_address_is_that_of_a_public_document():
    document = CompactDocument.objects.create(
        compact=CompactFactory(), is_public=True, public_url="https://example.org/c.pdf")
    assert document.publishable_url == "https://example.org/c.pdf"
    assert document.compact.document == document
    assert document.recorded_at is not None
    assert document.history.count() == 1


def test_clean_strips_the_elements():
    document = CompactDocument(compact=CompactFactory(), activities="  Shelters \n")
    document.full_clean()
    assert document.activities == "Shelters"
