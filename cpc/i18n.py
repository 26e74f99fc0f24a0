"""What stays in English whatever the reader's language (docs/i18n.md)."""

import functools

from django.utils import translation
from django.utils.translation import gettext_noop

# The language of the oversight reports and of the GAO checks' wording, which the reports
# print and which is cached once for every reader.
ENGLISH = "en"


def in_english(func):
    """Run ``func`` with English active: choice labels and dates it formats are English
    even inside a request of a reader who chose another language."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(ENGLISH):
            return func(*args, **kwargs)

    return wrapper


# Labels Django makes from model field names ("fiscal_year" -> "Fiscal year") for the forms
# of the pages. Templates show every form label through {% translate field.label %}; these
# entries put the English of those labels into the catalogues (the models keep their
# verbose names, so no migration changes with a translation).
FIELD_LABELS = (
    gettext_noop("Amount (USD)"),
    gettext_noop("Amount (local currency)"),
    gettext_noop("Category"),
    gettext_noop("Change reason"),
    gettext_noop("Compact"),
    gettext_noop("Contributions discussed"),
    gettext_noop("Contributions notes"),
    gettext_noop("Date"),
    gettext_noop("Decision note"),
    gettext_noop("Description"),
    gettext_noop("Due on"),
    gettext_noop("Fiscal year"),
    gettext_noop("Format"),
    gettext_noop("Indicator"),
    gettext_noop("Key indicators"),
    gettext_noop("Kind"),
    gettext_noop("Name"),
    gettext_noop("Next step"),
    gettext_noop("Note"),
    gettext_noop("Notes"),
    gettext_noop("Organization"),
    gettext_noop("Owner"),
    gettext_noop("Responsible institution"),
    gettext_noop("Scheduled for"),
    gettext_noop("Side"),
    gettext_noop("Status"),
    gettext_noop("Summary"),
    gettext_noop("Sustainability discussed"),
    gettext_noop("Sustainability notes"),
)
