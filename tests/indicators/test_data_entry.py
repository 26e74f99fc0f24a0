"""The data-entry grid's service: who may save, all or nothing, and the record version that
refuses a cell whose target or result changed since the page showed it."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from indicators import services
from indicators.models import Result, Target
from indicators.versions import NO_RECORD, version_of
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = pytest.mark.usefixtures("past_years_open")

YEAR = 2024


@pytest.fixture
def indicator(ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, code="PROT-1")
    indicator.compact = ghana_compact
    return indicator


def test_a_user_who_may_not_enter_data_is_refused(auditor_user, ghana_compact, indicator):
    entry = services.CellEntry(indicator=indicator, fiscal_year=YEAR, figures={"value": 3})
    with pytest.raises(PermissionDenied):
        services.data_entry_save(user=auditor_user, compact=ghana_compact, entries=[entry])
    assert not Result.objects.exists()


def test_only_tip_staff_set_targets(ghana_officer, ghana_compact, indicator):
    entry = services.CellEntry(indicator=indicator, fiscal_year=YEAR,
                               target_value=Decimal("10"))
    with pytest.raises(PermissionDenied):
        services.data_entry_save(user=ghana_officer, compact=ghana_compact, entries=[entry])
    assert not Target.objects.exists()


def test_a_result_recorded_since_the_page_showed_none_is_not_overwritten(
        staff_user, ghana_compact, indicator):
    saved = ResultFactory(indicator=indicator, fiscal_year=YEAR, value=Decimal("5"))
    other = IndicatorFactory(compact=ghana_compact, code="PROT-2")
    entries = [
        services.CellEntry(indicator=indicator, fiscal_year=YEAR, result=saved,
                           figures={"value": Decimal("7")}, result_version=NO_RECORD),
        services.CellEntry(indicator=other, fiscal_year=YEAR, figures={"value": Decimal("1")},
                           result_version=NO_RECORD),
    ]
    outcome = services.data_entry_save(user=staff_user, compact=ghana_compact,
                                       entries=entries)
    assert list(outcome.refusals) == [0] and outcome.refusals[0].conflict
    assert outcome.refusals[0].error.message_dict["value"] == [
        services.ERR_CELL_CHANGED.format(saved="5")]
    # All or nothing: the other cell is not kept either.
    assert not Result.objects.filter(indicator=other).exists()
    assert Result.objects.get(pk=saved.pk).value == Decimal("5")


def test_a_target_changed_since_the_page_showed_it_is_not_overwritten(
        staff_user, ghana_compact, indicator):
    target = TargetFactory(indicator=indicator, fiscal_year=YEAR, value=Decimal("100"))
    shown = version_of(target)
    Target.objects.filter(pk=target.pk).update(value=Decimal("110"))
    entry = services.CellEntry(indicator=indicator, fiscal_year=YEAR, target=target,
                               target_value=Decimal("120"), target_version=shown)
    outcome = services.data_entry_save(user=staff_user, compact=ghana_compact,
                                       entries=[entry])
    assert outcome.refusals[0].conflict
    assert Target.objects.get(pk=target.pk).value == Decimal("110")
    # From the version as it is now, the change goes through.
    target.refresh_from_db()
    entry.target, entry.target_version = target, version_of(target)
    outcome = services.data_entry_save(user=staff_user, compact=ghana_compact,
                                       entries=[entry])
    assert outcome.valid and outcome.saved == 1
    assert Target.objects.get(pk=target.pk).value == Decimal("120")


def test_nothing_is_kept_when_the_page_found_errors_of_its_own(staff_user, ghana_compact,
                                                                indicator):
    entry = services.CellEntry(indicator=indicator, fiscal_year=YEAR,
                               figures={"value": Decimal("4")}, result_version=NO_RECORD)
    outcome = services.data_entry_save(user=staff_user, compact=ghana_compact,
                                       entries=[entry], keep=False)
    assert outcome.valid and outcome.saved == 1
    assert not Result.objects.exists()
