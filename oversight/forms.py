"""Staff forms of the recommendation page. They parse input; oversight.services validates
and saves."""

from django import forms
from django.utils.text import format_lazy

from cpc.uploads import UPLOAD_HINT, validate_upload
from cpc.validators import validate_sane_date

from .models import RecommendationStatus

DATE = {"type": "date", "class": "usa-input"}


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "usa-textarea height-auto", "rows": rows})


class GaoActionForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs=DATE), validators=[validate_sane_date],
                           help_text="When State acted (the end of the period GAO gives).")
    description = forms.CharField(widget=_textarea(3), label="What State did")
    evidence = forms.CharField(widget=_textarea(2), label="Evidence",
                               help_text="The documents GAO cites, by name.")
    evidence_file = forms.FileField(
        required=False, label="Copy of the evidence (optional)", validators=[validate_upload],
        help_text=format_lazy("{} Stored privately.", UPLOAD_HINT),
        widget=forms.FileInput(attrs={"class": "usa-file-input"}))


class GaoStatusForm(forms.Form):
    status = forms.ChoiceField(choices=RecommendationStatus.choices,
                               widget=forms.Select(attrs={"class": "usa-select"}))
    status_as_of = forms.DateField(widget=forms.DateInput(attrs=DATE), label="Status as of",
                                   validators=[validate_sane_date],
                                   help_text="The date of GAO's status.")
    status_note = forms.CharField(widget=_textarea(2), required=False, label="Status note")
    change_reason = forms.CharField(
        widget=_textarea(2), label="Reason for the change",
        help_text="Required: the history keeps it beside the change.",
        error_messages={"required": "Say why the record changes; the history keeps the "
                                    "reason."})
