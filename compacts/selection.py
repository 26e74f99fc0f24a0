"""The selection record of a compact (why this country): TIP staff record each factor of
State's fact sheet with its value, source and date, one row per factor."""

from dataclasses import dataclass

from django.db import transaction

from cpc.services import lock, validated_save, validated_update
from cpc.versions import RecordChanged, check_version, record_version

from .models import Compact, SelectionFactor, SelectionFactorKind
from .services import _require_tip_staff

# The version an edit page posts for a factor not yet recorded: saving it finds a row that
# someone recorded meanwhile and refuses, as for any changed record.
NEW_VERSION = "new"


@transaction.atomic
def selection_factor_save(*, user, compact: Compact, factor: str, value: str, source: str,
                          as_of, version: str | None = None) -> SelectionFactor:
    """Record or change one selection factor of ``compact``. Given the ``version`` the page
    showed (``NEW_VERSION`` for a factor it showed as not recorded), a factor changed or
    recorded since is refused (``RecordChanged``), never saved over."""
    _require_tip_staff(user)
    lock(compact)  # one writer of the compact's selection record at a time
    data = {"value": value, "source": source, "as_of": as_of}
    existing = SelectionFactor.objects.filter(compact=compact, factor=factor).first()
    if existing is None:
        return validated_save(SelectionFactor(compact=compact, factor=factor,
                                              recorded_by=user), data)
    if version == NEW_VERSION:
        raise RecordChanged()
    current = check_version(existing, version)
    return validated_update(current, {**data, "recorded_by": user})


@dataclass(frozen=True)
class SelectionRow:
    factor: str
    label: str
    record: SelectionFactor | None

    @property
    def version(self) -> str:
        return record_version(self.record) if self.record else NEW_VERSION


def selection_rows(factors) -> list[SelectionRow]:
    """Every factor of the fact sheet in its order, with its record or None; ``factors``:
    the compact's recorded factors (prefetched)."""
    by_factor = {factor.factor: factor for factor in factors}
    return [SelectionRow(value, label, by_factor.get(value))
            for value, label in SelectionFactorKind.choices]
