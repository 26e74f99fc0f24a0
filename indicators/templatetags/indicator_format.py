"""``{% load indicator_format %}``: indicator figures in their unit, "not reported" when
missing (targets, actuals, figures as they stood at a dialogue)."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language, pgettext_lazy

from indicators.formatting import reported as reported_amount

register = template.Library()
# Beside an indicator's name or definition shown in English to a reader of another language.
# A context of its own: the language picker's "English" is the language's own name.
ENGLISH_NOTE = pgettext_lazy("marks a name shown untranslated", "English")


@register.filter
def reported(value, unit: str = "") -> str:
    """``{{ target|reported:indicator.unit }}``: 1,250 · 48.5% · $250,000, or "not reported"."""
    if value == "":
        value = None
    return reported_amount(value, unit)


def _worded(text: str, language: str) -> str:
    """``text`` as a reader of the active language sees it: marked as English (``lang`` and
    a visible "(English)") where no translation was entered, plain otherwise."""
    if language == (get_language() or "en").split("-")[0]:
        return conditional_escape(text)
    return format_html('<span lang="{}">{}</span> <span class="cpc-lang-note">({})</span>',
                       language, text, ENGLISH_NOTE)


@register.filter
def indicator_name(indicator) -> str:
    """``{{ indicator|indicator_name }}``: the indicator's (or standard indicator's) name in
    the reader's language, or its English, marked, where none was entered."""
    if indicator is None:
        return ""
    return _worded(indicator.local_name, indicator.name_language)


@register.filter
def indicator_definition(indicator) -> str:
    """``{{ indicator|indicator_definition }}``: the definition, as ``indicator_name``."""
    if indicator is None or not indicator.local_definition:
        return ""
    return _worded(indicator.local_definition, indicator.definition_language)
