"""Every free-text field a user types into has a length limit, named in the error, on every
path: the API (a field-level 400), the pages (a form error) and the model (full_clean, which
the admin, the imports and the services call). One-megabyte descriptions went through."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from contributions.models import Contribution
from cpc.access.roles import PROJECT_APPS
from cpc.validators import LONG_TEXT_MAX, NOTE_MAX
from tests.contributions.factories import ContributionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

MEGABYTE = 1_048_576
# Text the application writes itself, never a person: a mail server's or a report job's
# error, a notification's body (made from a template), a reminder's recipients (the roles'
# addresses).
SYSTEM_TEXT = {"notifications.Notification.body", "notifications.Notification.email_error",
               "contributions.ReminderLog.last_error", "contributions.ReminderLog.recipients",
               "reports.ReportJob.error"}


def _text_fields():
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue  # a copy of its record's fields (history's own reason: see below)
            for field in model._meta.concrete_fields:
                if isinstance(field, models.TextField):
                    yield f"{model._meta.label}.{field.name}", field


def test_every_typed_text_field_has_a_limit_the_model_checks():
    unbounded = [name for name, field in _text_fields() if name not in SYSTEM_TEXT and not (
        field.max_length in (LONG_TEXT_MAX, NOTE_MAX)
        and any(isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length
                for v in field.validators))]
    assert not unbounded, f"free text without a length limit: {unbounded}"
    names = {name for name, _field in _text_fields()}
    assert not SYSTEM_TEXT - names, f"no such fields: {SYSTEM_TEXT - names}"


def _contribution(compact, **overrides):
    return {"compact": compact.pk, "fiscal_year": 2024, "kind": "funding",
            "description": "Sample: shelter budget line.", "amount_local": "120000.00",
            "currency": "GHS", "amount_usd": "10000.00"} | overrides


def test_a_megabyte_description_through_the_api_is_a_400_naming_the_field(officer_api,
                                                                          ghana_compact):
    response = officer_api.post("/api/v1/contributions/", _contribution(
        ghana_compact, description="x" * MEGABYTE), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "description": ["Ensure this field has no more than 10000 characters."]}
    assert not Contribution.objects.exists()


def test_a_description_at_the_limit_is_accepted(officer_api, ghana_compact):
    response = officer_api.post("/api/v1/contributions/", _contribution(
        ghana_compact, description="x" * LONG_TEXT_MAX), format="json")
    assert response.status_code == 201, response.content[:300]


def test_a_megabyte_description_on_the_page_is_a_form_error(client, staff_user, ghana_compact):
    client.force_login(staff_user)
    response = client.post(f"/contributions/compacts/{ghana_compact.pk}/", {
        "fiscal_year": "2024", "kind": "funding", "description": "x" * MEGABYTE,
        "amount_local": "1", "currency": "GHS", "amount_usd": "1", "personnel_count": "",
        "recorded_at_dialogue": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["description"] == [
        f"Ensure this value has at most 10000 characters (it has {MEGABYTE})."]
    assert not Contribution.objects.exists()


def test_the_model_refuses_it_on_every_path(ghana_compact):
    contribution = ContributionFactory.build(compact=ghana_compact, description="x" * MEGABYTE)
    with pytest.raises(ValidationError) as refused:
        contribution.full_clean()
    assert refused.value.message_dict["description"] == [
        f"Ensure this value has at most 10000 characters (it has {MEGABYTE})."]


def test_a_note_is_limited_to_2000(staff_api, ghana_compact):
    from tests.indicators.factories import IndicatorFactory, ResultFactory

    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact),
                           fiscal_year=2024, status="submitted")
    response = staff_api.post(f"/api/v1/results/{result.pk}/return/",
                              {"review_note": "x" * (NOTE_MAX + 1)}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "review_note": ["Ensure this field has no more than 2000 characters."]}
