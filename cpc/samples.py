"""Sample figures: the one home of "this figure is a sample".

The demo (``seed_demo``) and the generated portfolio invent figures: award amounts,
indicator baselines, targets and results, partner contributions, a guidance version. Each
record they write carries ``is_sample`` (set here, never by a client), and every place that
shows such a figure marks it and explains the mark: the pages (a translated "Sample" tag,
``templates/includes/sample_tag.html``, and its note, ``sample_note.html``), the CSV and XLSX
exports (:data:`SAMPLE_COLUMN`), the PDF reports' tables and charts (a "Sample" mark,
``templates/reports/pdf/_sample_mark.html``, and :data:`SAMPLE_NOTE_EN` under each), the
IATI descriptions (``publishing/iati.py``) and the API (``is_sample``, read-only).

Whether a record is a sample follows from who wrote its figures: a record created or whose
figures were written inside :func:`loading_samples` is one; a user's change to one of its
figures makes it the user's own (``is_sample`` false again). Records users enter are never
samples. The compact's planned partner contribution has a flag of its own
(``Compact.partner_contribution_planned_is_sample``), set by the demo where it converts a
pledge in another currency with a rate of its own.
"""

import contextlib
from collections.abc import Iterable
from contextvars import ContextVar

# Exports, PDF reports and the IATI file stay in English (the pages translate theirs).
SAMPLE_NOTE_EN = ("Figures marked Sample are invented for demonstration; they are not "
                  "official numbers.")
SAMPLE_COLUMN = "sample figures"
SAMPLE_ROWS_NOTE_EN = (f'Rows whose "{SAMPLE_COLUMN}" column reads yes hold figures invented '
                       "for demonstration; they are not official numbers.")

_loading: ContextVar[bool] = ContextVar("loading_samples", default=False)


@contextlib.contextmanager
def loading_samples():
    """Mark every record created, and every figure written, inside the block as a sample:
    for the loaders of invented data (the demo, the generated portfolio), never for a
    user's request. Also a decorator."""
    token = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(token)


def is_loading_samples() -> bool:
    return _loading.get()


class MarksSamples:
    """Keep ``is_sample`` true only while the record's figures are the loader's.

    Models declare ``is_sample`` (``BooleanField(default=False, editable=False)``) and list
    the fields holding their figures in ``sample_fields``. A save inside
    :func:`loading_samples` that creates the record or writes one of those fields sets it; a
    save outside that changes one of them clears it. Other saves (a verification, an
    approval) leave it as it is.

    A model whose flag covers only some of its figures names it in ``sample_flag`` and may
    leave it to the loader to say which records are samples (``sample_flag_on_load =
    False``): a user's change still clears it.
    """

    sample_fields: tuple[str, ...] = ()
    sample_flag = "is_sample"
    sample_flag_on_load = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._sample_values = instance._sample_snapshot()
        return instance

    def _sample_snapshot(self) -> dict:
        # Only the fields loaded (a deferred field is not known to have changed).
        return {name: self.__dict__[name] for name in self.sample_fields
                if name in self.__dict__}

    def _sample_figures_changed(self, previous: dict) -> bool:
        now = self._sample_snapshot()
        return any(now.get(name, value) != value for name, value in previous.items())

    def save(self, *args, **kwargs):
        previous = getattr(self, "_sample_values", None)
        flag = self.sample_flag
        was = getattr(self, flag)
        loading = is_loading_samples() and self.sample_flag_on_load
        if previous is None:
            setattr(self, flag, was or loading)
        elif self._sample_figures_changed(previous):
            setattr(self, flag, loading or (was and is_loading_samples()))
        if getattr(self, flag) != was:
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and flag not in update_fields:
                kwargs["update_fields"] = [*update_fields, flag]
        super().save(*args, **kwargs)
        self._sample_values = self._sample_snapshot()


def mark_as_samples(records: Iterable) -> int:
    """Mark ``records`` as samples, each saved through its model (so the history and the
    records version see it): for a loader finding the figures an earlier version of itself
    wrote before it marked them. Returns how many."""
    count = 0
    with loading_samples():
        for record in records:
            setattr(record, record.sample_flag, True)
            record.save(update_fields=[record.sample_flag])
            count += 1
    return count


def any_sample(records: Iterable) -> bool:
    """Whether any of ``records`` (already loaded) is a sample."""
    return any(getattr(record, record.sample_flag, False) for record in records)
