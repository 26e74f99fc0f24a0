"""Forms of the contributions and sustainability-plan pages. They parse and label input;
the services in contributions.services validate the whole object and save it."""

from django import forms
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cpc.fiscal import bound_year_fields
from cpc.uploads import UPLOAD_HINT, validate_evidence
from cpc.validators import validate_sane_date

from .models import Contribution, FollowUp, Measure, SustainabilityPlan

DATE = {"type": "date", "class": "usa-input"}
SELECT = _("- Select -")  # USWDS wording for an empty choice


def _blank_says_select(field) -> None:
    field.choices = [("", SELECT), *[c for c in field.choices if c[0] != ""]]


def _textarea(rows: int) -> forms.Textarea:
    # USWDS gives every textarea a fixed height; ``height-auto`` lets ``rows`` decide.
    return forms.Textarea(attrs={"class": "usa-textarea height-auto", "rows": rows})


class ContributionImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("Columns: fiscal_year, kind, description, amount_local, currency, "
                  "amount_usd, personnel_count. The header is row 1."),
        widget=forms.ClearableFileInput(attrs={"class": "usa-file-input",
                                               "accept": ".csv,.xlsx"}),
    )


class ContributionForm(forms.ModelForm):
    """A contribution added on the compact's page; the compact comes from the URL."""

    evidence = forms.FileField(
        required=False, label=_("Evidence (optional)"), validators=[validate_evidence],
        help_text=format_lazy("{} {} {}", _("A budget extract, payroll or receipt:"), UPLOAD_HINT,
                              _("Stored privately. TIP Office staff verify a contribution only "
                                "against its evidence.")),
        widget=forms.FileInput(attrs={"class": "usa-file-input"}),
    )

    class Meta:
        model = Contribution
        fields = ["fiscal_year", "kind", "description", "amount_local", "currency",
                  "amount_usd", "personnel_count", "recorded_at_dialogue", "evidence"]
        labels = {
            "personnel_count": _("Personnel count"),
            "currency": _("Currency code"),
            "recorded_at_dialogue": _("Reported at the annual dialogue"),
        }
        help_texts = {
            "personnel_count": "",
            "currency": "",
        }
        widgets = {
            "fiscal_year": forms.Select(attrs={"class": "usa-select"}),
            "kind": forms.Select(attrs={"class": "usa-select"}),
            "description": _textarea(2),
            "amount_local": forms.NumberInput(attrs={"class": "usa-input", "step": "0.01",
                                                     "min": "0"}),
            "currency": forms.TextInput(attrs={"class": "usa-input cpc-uppercase",
                                               "maxlength": "3", "placeholder": "GHS",
                                               "autocomplete": "off"}),
            "amount_usd": forms.NumberInput(attrs={"class": "usa-input", "step": "0.01",
                                                   "min": "0"}),
            "personnel_count": forms.NumberInput(attrs={"class": "usa-input usa-input--small",
                                                        "min": "0"}),
            "recorded_at_dialogue": forms.Select(attrs={"class": "usa-select"}),
        }

    def __init__(self, *args, fiscal_years=(), dialogues=None, **kwargs):
        super().__init__(*args, **kwargs)
        _blank_says_select(self.fields["kind"])
        bound_year_fields(self)
        # The compact's own fiscal years; the model still rejects a year outside it.
        self.fields["fiscal_year"].widget.choices = [("", SELECT)] + [
            (fy, _("FY%(fiscal_year)s") % {"fiscal_year": fy}) for fy in fiscal_years]
        dialogue_field = self.fields["recorded_at_dialogue"]
        dialogue_field.queryset = dialogues if dialogues is not None else (
            dialogue_field.queryset.none())
        dialogue_field.label_from_instance = (
            lambda d: _("FY%(fiscal_year)s dialogue (%(scheduled_for)s)") % {
                "fiscal_year": d.fiscal_year,
                "scheduled_for": date_format(d.scheduled_for, _("M j, Y"))})
        dialogue_field.empty_label = _("Not reported at a dialogue")

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").strip().upper()


class ContributionEvidenceForm(forms.Form):
    """Evidence for a contribution already recorded: staff verify against it."""

    evidence = forms.FileField(
        label=_("Evidence"), allow_empty_file=False, validators=[validate_evidence],
        help_text=UPLOAD_HINT,
        error_messages={"required": _("Choose the evidence file to attach.")},
        widget=forms.FileInput(attrs={"class": "usa-file-input"}),
    )


class PlanForm(forms.ModelForm):
    """Creates the plan record, or edits its notes."""

    class Meta:
        model = SustainabilityPlan
        fields = ["notes"]
        widgets = {"notes": _textarea(3)}


class PlanRequestForm(forms.Form):
    """The request is dated today by the server (check 6 compares it with the dialogue)."""

    due_on = forms.DateField(widget=forms.DateInput(attrs=DATE), label=_("Due on"),
                             validators=[validate_sane_date])


class PlanReceiveForm(forms.Form):
    received_on = forms.DateField(required=False, widget=forms.DateInput(attrs=DATE),
                                  validators=[validate_sane_date],
                                  label=_("Received on"), help_text=_("Leave empty for today."))
    document = forms.FileField(required=False, label=_("Plan document (optional)"),
                               validators=[validate_evidence],
                               help_text=format_lazy("{} {}", UPLOAD_HINT,
                                                     _("Stored privately; only users who "
                                                       "see the compact can download it.")),
                               widget=forms.FileInput(attrs={"class": "usa-file-input"}))


class MeasureForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _blank_says_select(self.fields["category"])

    class Meta:
        model = Measure
        fields = ["description", "category", "responsible_institution", "status"]
        widgets = {
            "description": _textarea(2),
            "category": forms.Select(attrs={"class": "usa-select"}),
            "responsible_institution": forms.TextInput(attrs={"class": "usa-input"}),
            "status": forms.Select(attrs={"class": "usa-select"}),
        }


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["date", "note", "next_step"]
        widgets = {
            "date": forms.DateInput(attrs=DATE),
            "note": _textarea(3),
            "next_step": _textarea(2),
        }
