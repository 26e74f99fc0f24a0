"""Staff forms of the recommendation page. They parse input; oversight.services validates
and saves."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cpc.uploads import UPLOAD_HINT, validate_upload
from cpc.validators import LONG_TEXT_MAX, NOTE_MAX, validate_sane_date

from .models import RecommendationStatus

DATE = {"type": "date", "class": "usa-input"}


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "usa-textarea height-auto", "rows": rows})


class GaoActionForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs=DATE), validators=[validate_sane_date],
                           required=False,
                           help_text=_("The day State acted, when the source gives one."))
    period = forms.CharField(
        required=False, max_length=128, label=_("Period"),
        widget=forms.TextInput(attrs={"class": "usa-input"}),
        help_text=_("When the source gives no day: the period it gives (for example "
                    "\"December 2024\"). Never invent a day."))
    description = forms.CharField(widget=_textarea(3), label=_("What State did"),
                                  max_length=LONG_TEXT_MAX)
    evidence = forms.CharField(widget=_textarea(2), label=_("Evidence"), max_length=LONG_TEXT_MAX,
                               help_text=_("The documents GAO cites, by name."))
    evidence_file = forms.FileField(
        required=False, label=_("Copy of the evidence (optional)"), validators=[validate_upload],
        help_text=format_lazy("{} Stored privately.", UPLOAD_HINT),
        widget=forms.FileInput(attrs={"class": "usa-file-input"}))


class GaoStatusForm(forms.Form):
    status = forms.ChoiceField(choices=RecommendationStatus.choices,
                               widget=forms.Select(attrs={"class": "usa-select"}))
    status_as_of = forms.DateField(widget=forms.DateInput(attrs=DATE), label=_("Status as of"),
                                   validators=[validate_sane_date], required=False,
                                   help_text=_("The date of GAO's status. Empty: the recorded "
                                               "date stays (today for a new status)."))
    status_note = forms.CharField(widget=_textarea(2), required=False, label=_("Status note"),
                                  max_length=NOTE_MAX)
    change_reason = forms.CharField(
        widget=_textarea(2), label=_("Reason for the change"), max_length=NOTE_MAX,
        help_text=_("Required: the history keeps it beside the change."),
        error_messages={"required": _("Say why the record changes; the history keeps the "
                                    "reason.")})


class YearDecisionForm(forms.Form):
    """TIP staff's lock or unlock of a compact's fiscal year (the reason is required to
    unlock: compacts.year_locks says so)."""

    reason = forms.CharField(
        required=False, max_length=2000, label=_("Reason"),
        widget=forms.TextInput(attrs={"class": "usa-input"}),
        help_text=_("Kept in the year's history; required to unlock."))
