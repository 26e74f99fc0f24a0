"""Forms of the indicator pages: the data-entry grid (one small form per indicator and fiscal
year), the submit-wide change reason and source, and the review of a submitted result."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from cpc.uploads import UPLOAD_HINT, validate_upload
from cpc.validators import NOTE_MAX

from .choices import figure_names
from .formatting import plain
from .models import Indicator, Result, Target, Unit, unit_value_errors
from .services import CHANGE_REASON_MAX_LENGTH, UNCHANGED, CellEntry
from .versions import version_of

AMOUNT = {"max_digits": 18, "decimal_places": 4, "required": False}
# Each input travels with the figure the page showed (``<name>-opened``): a figure the user
# left alone is not written back. Each cell travels with the versions of its target and
# result (``target-version``, ``result-version``): one someone else changed meanwhile is not
# overwritten.
OPENED_SUFFIX = "-opened"
NOT_SENT = object()


def _amount_input(css: str = "usa-input usa-input--xs") -> forms.NumberInput:
    return forms.NumberInput(attrs={"class": css, "step": "any", "min": "0",
                                    "inputmode": "decimal"})


class GridCellForm(forms.Form):
    """One cell of the data-entry grid: an indicator's target and result for a fiscal year.

    The fields present depend on the indicator and the user: ``target`` only for those who may
    set targets (TIP staff); ``numerator`` and ``denominator`` for a percent indicator (its
    value is computed), ``value`` for every other unit.
    """

    target = forms.DecimalField(label=_("Target"), widget=_amount_input(), **AMOUNT)
    value = forms.DecimalField(label=_("Actual"), widget=_amount_input(), **AMOUNT)
    numerator = forms.DecimalField(label=_("Numerator"), widget=_amount_input(), **AMOUNT)
    denominator = forms.DecimalField(label=_("Denominator"), widget=_amount_input(), **AMOUNT)

    def __init__(self, *args, indicator: Indicator, fiscal_year: int,
                 target: Target | None, result: Result | None, can_set_targets: bool,
                 **kwargs):
        self.indicator, self.fiscal_year = indicator, fiscal_year
        self.target_obj, self.result_obj = target, result
        kwargs.setdefault("prefix", f"c{indicator.pk}-{fiscal_year}")
        self.saved = {
            "target": target.value if target else None,
            "value": result.value if result else None,
            "numerator": result.numerator if result else None,
            "denominator": result.denominator if result else None,
        }
        kwargs["initial"] = {name: plain(value) for name, value in self.saved.items()}
        super().__init__(*args, **kwargs)
        if not can_set_targets:
            del self.fields["target"]
        if indicator.unit == Unit.PERCENT:
            del self.fields["value"]
        else:
            del self.fields["numerator"]
            del self.fields["denominator"]
        label = _("%(code)s, FY%(fiscal_year)s") % {"code": indicator.code,
                                                    "fiscal_year": fiscal_year}
        for name, field in self.fields.items():
            if name == "target" and indicator.unit == Unit.PERCENT:
                field.label = _("Target (%)")
            if name == "target" and indicator.unit == Unit.USD:
                field.label = _("Target ($)")
            if name == "value" and indicator.unit == Unit.USD:
                field.label = _("Actual ($)")
            field.widget.attrs["aria-label"] = f"{field.label}, {label}"
            if name == "value" and indicator.unit == Unit.YES_NO:
                field.widget.attrs.update({"max": "1", "step": "1"})

    def clean(self):
        # The unit's rules (a whole count, a percent up to 100...) are checked here too, so
        # they show at once, before the services' own checks.
        data = super().clean()
        for name in ("target", "value"):
            if data.get(name) is not None:
                for message in unit_value_errors(self.indicator.unit, data[name]):
                    self.add_error(name, message)
        return data

    @property
    def saved_percent(self) -> str | None:
        """The percent computed from a saved numerator and denominator, for display."""
        if self.result_obj is None or not self.is_percent:
            return None
        return plain(self.result_obj.value.quantize(Decimal("0.01")))

    def posted(self, name: str) -> Decimal | None:
        """The cleaned value of an input, or the saved figure when the input was not sent at
        all (a browser sends every input, blank ones included, so a blanked figure is seen)."""
        if self.add_prefix(name) not in self.data:
            return self.saved[name]
        return self.cleaned_data.get(name)

    def opened(self, name: str):
        """The figure the page showed in this input, None for an empty one, or ``NOT_SENT``
        when the form did not say (a client of its own)."""
        key = self.add_prefix(name) + OPENED_SUFFIX
        if key not in self.data:
            return NOT_SENT
        raw = self.data.get(key)
        if raw in ("", None):
            return None
        try:
            return self.fields[name].to_python(raw)
        except forms.ValidationError:
            return NOT_SENT

    @property
    def is_percent(self) -> bool:
        return self.indicator.unit == Unit.PERCENT

    @property
    def result_fields(self) -> list[str]:
        return figure_names(self.indicator.unit)

    @property
    def target_version(self) -> str:
        """The version of the target as this page shows it."""
        return version_of(self.target_obj)

    @property
    def result_version(self) -> str:
        return version_of(self.result_obj)

    def left_alone(self, names: list[str]) -> bool:
        """The user sent back exactly what the page showed: nothing of theirs to save."""
        return all(self.opened(n) is not NOT_SENT and self.opened(n) == self.posted(n)
                   for n in names)

    def entry(self) -> CellEntry:
        """What this (valid) cell asks the data-entry service to save. A target posted by
        someone without the target input is not even read."""
        target = UNCHANGED
        if "target" in self.fields and not self.left_alone(["target"]):
            target = self.posted("target")
        figures = None
        if not self.left_alone(self.result_fields):
            figures = {name: self.posted(name) for name in self.result_fields}
        return CellEntry(
            indicator=self.indicator, fiscal_year=self.fiscal_year, target=self.target_obj,
            result=self.result_obj, target_value=target, figures=figures,
            target_version=self.data.get(self.add_prefix("target-version"), ""),
            result_version=self.data.get(self.add_prefix("result-version"), ""))


class GridSubmitForm(forms.Form):
    """What applies to the whole grid submit.

    One change reason per submit (not per cell): it is written to the history of every
    approved result whose value this submit changes, and it is required only when at least one
    approved value changes. One source likewise goes on every result recorded or changed.
    """

    change_reason = forms.CharField(
        required=False, max_length=CHANGE_REASON_MAX_LENGTH,
        label=_("Why are approved values changed?"),
        help_text=_("Needed only when you change a value that is already approved. It is kept "
                  "in the history of every approved result changed by this save."),
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    source = forms.CharField(
        required=False, label=_("Source of the figures"), max_length=NOTE_MAX,
        help_text=_("Optional: where the results entered in this save come from (for example, "
                  "the ministry's annual statistics table)."),
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )


class ReviewForm(forms.Form):
    """Approve (note optional) or return (note required, checked by the service)."""

    review_note = forms.CharField(
        required=False, label=_("Note to the officer"), max_length=NOTE_MAX,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )


class DocumentForm(forms.Form):
    """A document to attach (a result's source, a dialogue's agenda or minutes): checked by
    content and size (``cpc.uploads``) before it is stored privately."""

    title = forms.CharField(required=False, max_length=255, label=_("Title (optional)"),
                            widget=forms.TextInput(attrs={"class": "usa-input"}))
    file = forms.FileField(label=_("File"), allow_empty_file=False, validators=[validate_upload],
                           help_text=UPLOAD_HINT,
                           widget=forms.ClearableFileInput(attrs={"class": "usa-file-input"}),
                           error_messages={"required": _("Choose the file to attach.")})


class BulkUploadForm(forms.Form):
    """The filled-in results template of one fiscal year, and a reason for approved values."""

    file = forms.FileField(label=_("Filled-in template (XLSX)"),
                           widget=forms.FileInput(attrs={"class": "usa-file-input"}))
    change_reason = forms.CharField(
        label=_("Why approved values change (if any do)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}))


class BulkConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    change_reason = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
