"""Sentences kept in English and read in the reader's language.

The six checks' titles and details are computed once, cached for every reader and printed by
the English reports and the API. A :class:`Wording` is a ``str`` whose value is its English
(what the cache, the reports, the API and any comparison see), while ``str()`` of it, which
templates call, gives it in the active language: its message is a catalogue entry with named
``{placeholders}``, filled at that moment (dates and amounts formatted for the language)."""

import datetime as dt
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format, number_format


class Lower:
    """A label (a choice's lazy label) shown in lower case inside a sentence."""

    def __init__(self, label):
        self.label = label

    def __str__(self) -> str:
        return str(self.label).lower()


class Money:
    """A U.S. dollar amount, grouped as the language groups figures: $1,000 / 1 000 US$."""

    def __init__(self, value, places: int = 0):
        self.value, self.places = Decimal(value), places

    def __str__(self) -> str:
        figure = number_format(self.value, self.places, force_grouping=True)
        return f"${figure}" if translation.get_language() in (None, "en") else f"{figure} US$"


def _shown(value) -> str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        if (translation.get_language() or "en").startswith("en"):
            return value.isoformat()
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(item) for item in value)
    return str(value)


def _render(message, params: dict) -> str:
    return str(message).format(**{name: _shown(value) for name, value in params.items()})


def _rebuild(cls, message, params):
    return cls(message, **params)


class Wording(str):
    """``Wording(gettext_lazy("Due by {day}."), day=date)``: see the module's docstring."""

    def __new__(cls, message, /, **params):
        with translation.override("en"):
            english = cls._compose(message, params)
        wording = super().__new__(cls, english)
        wording.message, wording.params = message, params
        return wording

    @classmethod
    def _compose(cls, message, params) -> str:
        return _render(message, params)

    def __str__(self) -> str:
        return self._compose(self.message, self.params)

    def __reduce__(self):
        return (_rebuild, (type(self), self.message, self.params))

    def __deepcopy__(self, memo):
        return self  # immutable, like any str


class Sentence(Wording):
    """Clauses joined by semicolons into one sentence, its first letter capitalised and a
    full stop at the end: ``Sentence(clauses)``."""

    def __new__(cls, clauses, /):
        return super().__new__(cls, tuple(clauses))

    @classmethod
    def _compose(cls, message, params) -> str:
        text = "; ".join(str(clause) for clause in message)
        return text[:1].upper() + text[1:] + "."

    def __reduce__(self):
        return (Sentence, (self.message,))


class Spaced(Wording):
    """Sentences side by side, separated by spaces: ``Spaced(first, second)``."""

    def __new__(cls, *parts):
        return super().__new__(cls, tuple(parts))

    @classmethod
    def _compose(cls, message, params) -> str:
        return " ".join(str(part) for part in message if str(part))

    def __reduce__(self):
        return (Spaced, self.message)
