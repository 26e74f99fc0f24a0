"""How a form tells its errors and limits to everyone, screen readers included.

* ``field_hint``: the limits a field's validators enforce (its length, its range), shown as a
  hint before the person types rather than only as an error after.
* ``field_widget``: the field's input, its ``aria-describedby`` naming the hint and error
  elements ``includes/field.html`` renders (``<id>_helptext``, ``<id>_error``), and only those.
* ``form_error_items``: the errors of forms and formsets as a list for the error summary
  (``includes/form_errors.html``), each field's error linking to the field.
* ``error_title_prefix``: "Error: " before the page title when a form of the page has errors.
"""

from collections.abc import Mapping

from django import forms, template
from django.core import validators
from django.forms.formsets import BaseFormSet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _limit(validator):
    value = validator.limit_value
    return value() if callable(value) else value


def _number(value) -> str:
    return number_format(value, force_grouping=True)


_LIMITS = {
    validators.MinLengthValidator: "min_length",
    validators.MaxLengthValidator: "max_length",
    validators.MinValueValidator: "low",
    validators.MaxValueValidator: "high",
}


def _limits(formfield) -> dict:
    """The limits the field's validators carry, by name (the last of each kind wins)."""
    limits = dict.fromkeys(_LIMITS.values())
    for validator in formfield.validators:
        for kind, name in _LIMITS.items():
            if isinstance(validator, kind):
                limits[name] = _limit(validator)
                break
    return limits


def _length_hint(min_length, max_length) -> str:
    if min_length and max_length:
        return (_("From %(min)s to %(max)s characters.")
                % {"min": _number(min_length), "max": _number(max_length)})
    if min_length:
        return ngettext("At least %(min)s character.", "At least %(min)s characters.",
                        min_length) % {"min": _number(min_length)}
    if max_length:
        return ngettext("Up to %(max)s character.", "Up to %(max)s characters.",
                        max_length) % {"max": _number(max_length)}
    return ""


def _range_hint(formfield, low, high) -> str:
    # A year or an amount: no thousands separator for a year-like field (2000 to 2100).
    show = _number if not isinstance(formfield, forms.IntegerField) or (
        (low is not None and abs(low) >= 10_000) or (high is not None and abs(high) >= 10_000)
    ) else str
    if low is not None and high is not None:
        return _("From %(min)s to %(max)s.") % {"min": show(low), "max": show(high)}
    if low is not None:
        return _("%(min)s or more.") % {"min": show(low)}
    if high is not None:
        return _("%(max)s or less.") % {"max": show(high)}
    return ""


@register.simple_tag
def field_hint(field) -> str:
    """The limits of a bound field, in words: "Up to 2,000 characters.", "At least 20
    characters.", "From 2000 to 2100." ("" when it has none). A field can add a rule its
    validators do not carry (a minimum the model checks) with ``field.hint_min_length``."""
    if not isinstance(field, forms.BoundField) or field.is_hidden:
        return ""
    formfield = field.field
    if isinstance(formfield, forms.FileField):
        return ""  # its max_length is the file name's
    limits = _limits(formfield)
    min_length = getattr(formfield, "hint_min_length", None) or limits["min_length"]
    parts = [_length_hint(min_length, limits["max_length"]),
             _range_hint(formfield, limits["low"], limits["high"])]
    return " ".join(part for part in parts if part)


def _describedby(field, hint: str) -> str:
    ids = []
    if field.help_text or hint:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag
def field_widget(field, hint: str = ""):
    """The field's widget, described by the hint and error elements field.html renders."""
    if not isinstance(field, forms.BoundField):
        return field or ""
    if not field.auto_id or field.use_fieldset or field.field.widget.attrs.get("aria-describedby"):
        return field.as_widget()
    describedby = _describedby(field, hint)
    return field.as_widget(attrs={"aria-describedby": describedby} if describedby else None)


def _items(form, seen: set) -> list:
    if not form or id(form) in seen:
        return []
    seen.add(id(form))
    if isinstance(form, BaseFormSet):
        return _formset_items(form, seen)
    if isinstance(form, forms.BaseForm):
        return _form_items(form)
    items = []
    if isinstance(form, (list, tuple)):
        for each in form:
            items.extend(_items(each, seen))
    return items


def _formset_items(formset, seen: set) -> list:
    items = [{"text": error, "href": ""} for error in formset.non_form_errors()]
    for subform in formset.forms:
        removed = (formset.is_bound and formset.can_delete and subform.errors is not None
                   and formset._should_delete_form(subform))  # a row ticked for removal
        if not removed:
            items.extend(_items(subform, seen))
    return items


def _form_items(form) -> list:
    items = [{"text": error, "href": ""} for error in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            continue
        items.extend(_field_items(form[name], errors))
    return items


def _field_items(field, errors) -> list:
    # A group of radios or checkboxes has no label "for" (Django's choice): its first box.
    target = field.id_for_label or (f"{field.auto_id}_0" if field.use_fieldset else "")
    href = "" if field.is_hidden or not target else f"#{target}"
    # A field whose label is not enough alone (a grid cell's "Actual") names itself in
    # its aria-label ("Actual, PROT-1, FY2024"): the summary says the same.
    label = field.field.widget.attrs.get("aria-label") or (
        _(str(field.label)) if field.label else "")
    return [{"text": f"{label}: {error}" if label and not field.is_hidden else error,
             "href": href} for error in errors]


@register.simple_tag
def form_error_items(*forms_) -> list:
    """Every error of the forms and formsets given (lists of them too), in order: a field's
    as "Label: message" with a link to the field, a form's own without one."""
    seen: set = set()
    items = []
    for form in forms_:
        items.extend(_items(form, seen))
    return items


def _has_errors(value, depth: int = 0) -> bool:
    if isinstance(value, (forms.BaseForm, BaseFormSet)):
        if isinstance(value, BaseFormSet) and not value.is_bound:
            return False
        return bool(value.errors) if isinstance(value, forms.BaseForm) else (
            bool(value.non_form_errors()) or any(value.errors))
    if depth >= 2:
        return False
    if isinstance(value, (list, tuple)):
        return any(_has_errors(each, depth + 1) for each in value)
    if isinstance(value, Mapping):
        return any(_has_errors(each, depth + 1) for each in value.values())
    return False


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Error: " when the page shows a form with errors (any form or formset in the context,
    or in a list or dict of it), or when the view says so with ``form_has_errors``."""
    if context.get("form_has_errors"):
        return _("Error:") + " "
    for layer in context.dicts:
        for value in layer.values():
            if _has_errors(value):
                return _("Error:") + " "
    return ""
