"""What stays in English whatever the reader's language (docs/i18n.md)."""

import functools

from django.utils import translation

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
