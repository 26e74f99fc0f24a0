"""Rows of the "log outcomes" step that belong to apps above this one.

A dialogue records what the partner government reported, and some of it is kept by other
apps (its contributions are the contributions app's records). Such an app registers an
``OutcomeRows`` from its ``AppConfig.ready``; the step then shows, saves and re-renders those
rows exactly like its own (add/remove with htmx or without JavaScript, errors beside the row,
everything in the step's one transaction). This app never imports the one that registers.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OutcomeRows:
    prefix: str  # the formset's prefix, unique in the step
    title: str
    noun: str  # "Contribution": the rows' legend and the "Add another" button
    hint: str
    # (dialogue, data) -> an unbound or bound formset with ``rows_to_save()``
    build: Callable
    # (user, dialogue, data) -> None, ``data`` a row's cleaned data; raises ValidationError
    # for the row. Called by the step's service, inside its transaction.
    save_row: Callable
    # (dialogue) -> the records already saved at this dialogue, as text lines
    saved: Callable


_REGISTERED: dict[str, OutcomeRows] = {}


def register(rows: OutcomeRows) -> None:
    _REGISTERED[rows.prefix] = rows


def registered() -> list[OutcomeRows]:
    return list(_REGISTERED.values())
