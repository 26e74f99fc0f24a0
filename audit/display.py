"""How a change in a history reads: field labels in the reader's language, choices as their
labels, foreign keys as the name of what they point at, dates, numbers and yes/no as the
reader's language writes them. Never a code or an id where a person would read a name.

The names behind foreign keys are read once per page, one query per kind of record they
point at (``Names``), so a page costs the same whatever the values on it.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop

from cpc.i18n import FIELD_LABELS  # noqa: F401  (the labels the catalogues already hold)

EMPTY = "—"
VALUE_MAX_LENGTH = 300

# The labels Django makes from the field names of the records a history shows, beyond those
# of cpc.i18n.FIELD_LABELS: here so the catalogues hold them (the models keep their
# verbose names, so no migration changes with a translation).
HISTORY_FIELD_LABELS = (
    gettext_noop("Action"),
    gettext_noop("Actual fiscal year"),
    gettext_noop("Actual value"),
    gettext_noop("Amount"),
    gettext_noop("Approved by"),
    gettext_noop("Award"),
    gettext_noop("Award number"),
    gettext_noop("Baseline value"),
    gettext_noop("Baseline year"),
    gettext_noop("Carried over from"),
    gettext_noop("Code"),
    gettext_noop("Country"),
    gettext_noop("Cumulation"),
    gettext_noop("Currency"),
    gettext_noop("Decided at"),
    gettext_noop("Decided by"),
    gettext_noop("Definition"),
    gettext_noop("Denominator"),
    gettext_noop("Dialogue"),
    gettext_noop("Direction"),
    gettext_noop("End date"),
    gettext_noop("Evidence"),
    gettext_noop("Evidence recorded at"),
    gettext_noop("First fiscal year"),
    gettext_noop("Held on"),
    gettext_noop("Implementer"),
    gettext_noop("Is key"),
    gettext_noop("Is sample"),
    gettext_noop("Key indicators identified on"),
    gettext_noop("Key indicators recorded at"),
    gettext_noop("Key indicators shared note"),
    gettext_noop("Key indicators shared on"),
    gettext_noop("Key indicators shared recorded at"),
    gettext_noop("Key indicators shared via"),
    gettext_noop("Language"),
    gettext_noop("Last fiscal year"),
    gettext_noop("New end date"),
    gettext_noop("Numerator"),
    gettext_noop("Objective"),
    gettext_noop("Partner contribution planned (USD)"),
    gettext_noop("Partner contribution planned is sample"),
    gettext_noop("Pillar"),
    gettext_noop("Plan"),
    gettext_noop("Position"),
    gettext_noop("Proposed by"),
    gettext_noop("Received on"),
    gettext_noop("Recorded at"),
    gettext_noop("Recorded at dialogue"),
    gettext_noop("Recorded by"),
    gettext_noop("Replaces value"),
    gettext_noop("Reported at"),
    gettext_noop("Reported by"),
    gettext_noop("Requested at"),
    gettext_noop("Requested on"),
    gettext_noop("Review note"),
    gettext_noop("Reviewed at"),
    gettext_noop("Reviewed by"),
    gettext_noop("Set at dialogue"),
    gettext_noop("Signed on"),
    gettext_noop("Source"),
    gettext_noop("Standard"),
    gettext_noop("Start date"),
    gettext_noop("Sustainability recorded at"),
    gettext_noop("Target value"),
    gettext_noop("Title"),
    gettext_noop("Tolerance percent"),
    gettext_noop("U.S. funding ceiling at signing (USD)"),
    gettext_noop("Unit"),
    gettext_noop("Uploaded by"),
    gettext_noop("Value"),
    gettext_noop("Value changed by"),
    gettext_noop("Verified"),
    gettext_noop("Verified amount local"),
    gettext_noop("Verified amount usd"),
    gettext_noop("Verified at"),
    gettext_noop("Verified by"),
    gettext_noop("Verified currency"),
    gettext_noop("Verified on"),
    gettext_noop("Verified personnel count"),
    gettext_noop("Was key indicator"),
)


def field_label(field) -> str:
    """The field's label in the reader's language (its English when not catalogued)."""
    return gettext(capfirst(str(field.verbose_name)))


def _user_names(ids) -> dict:
    return {pk: (f"{first} {last}".strip() or username) for pk, username, first, last in
            get_user_model().objects.filter(pk__in=ids)
            .values_list("pk", "username", "first_name", "last_name")}


def _dialogue_names(model, ids) -> dict:
    return {row.pk: gettext("%(country)s, FY %(fiscal_year)s dialogue") % {
        "country": row.compact.country.name, "fiscal_year": row.fiscal_year}
        for row in model._base_manager.filter(pk__in=ids).select_related("compact__country")}


def _plan_names(model, ids) -> dict:
    return {row.pk: gettext("Sustainability plan of %(compact)s") % {
        "compact": row.compact.title}
        for row in model._base_manager.filter(pk__in=ids).select_related("compact")}


def _indicator_names(model, ids) -> dict:
    return {pk: f"{code} {name}" for pk, code, name in
            model._base_manager.filter(pk__in=ids).values_list("pk", "code", "name")}


NAMERS = {
    "dialogues.dialogue": _dialogue_names,
    "contributions.sustainabilityplan": _plan_names,
    "indicators.indicator": _indicator_names,
}


class Names:
    """The names behind the foreign keys of one page of changes: ``want`` each value, then
    ``read`` once, then ``show``."""

    def __init__(self):
        self.wanted: dict = defaultdict(set)
        self.names: dict = {}

    def want(self, field, value) -> None:
        if value is not None and field.is_relation and field.many_to_one | field.one_to_one:
            self.wanted[field.related_model].add(value)

    def read(self) -> None:
        user_model = get_user_model()
        for model, ids in self.wanted.items():
            if model is user_model:
                names = _user_names(ids)
            elif model._meta.label_lower in NAMERS:
                names = NAMERS[model._meta.label_lower](model, ids)
            else:
                names = {row.pk: str(row) for row in model._base_manager.filter(pk__in=ids)}
            self.names[model] = names
        self.wanted.clear()

    def show(self, field, value) -> str:
        if value is None or value == "":
            return EMPTY
        if field.is_relation:
            name = self.names.get(field.related_model, {}).get(value)
            return name if name is not None else gettext("a deleted record")
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if isinstance(value, dt.datetime):
            return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        if isinstance(value, dt.date):
            return formats.date_format(value, "DATE_FORMAT")
        if isinstance(value, Decimal | float | int):
            return formats.localize(value)
        return str(value)[:VALUE_MAX_LENGTH]
