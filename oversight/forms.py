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
        help_text=format_lazy("{} {}", UPLOAD_HINT, _("Stored privately.")),
        widget=forms.FileInput(attrs={"class": "usa-file-input"}))


class GaoStatusForm(forms.Form):
    """GAO's status of a recommendation, dated as GAO's public record dates it: a day, or
    when GAO reported it when no day is public. It starts from the record as it stands
    (``for_recommendation``), never from today: a date the page made up would read as GAO's
    once someone only typed a reason."""

    status = forms.ChoiceField(choices=RecommendationStatus.choices,
                               widget=forms.Select(attrs={"class": "usa-select"}))
    status_as_of = forms.DateField(widget=forms.DateInput(attrs=DATE), label=_("Status as of"),
                                   validators=[validate_sane_date], required=False,
                                   help_text=_("The day of GAO's status, when GAO's public "
                                               "record gives one."))
    status_reported = forms.CharField(
        required=False, max_length=64, label=_("Reported by GAO"),
        widget=forms.TextInput(attrs={"class": "usa-input"}),
        help_text=_("When no day is public: when GAO reported the status (for example \"May "
                    "2025\"). A day above replaces it."))
    status_note = forms.CharField(widget=_textarea(2), required=False, label=_("Status note"),
                                  max_length=NOTE_MAX)
    change_reason = forms.CharField(
        widget=_textarea(2), label=_("Reason for the change"), max_length=NOTE_MAX,
        help_text=_("Required: the history keeps it beside the change."),
        error_messages={"required": _("Say why the record changes; the history keeps the "
                                    "reason.")})

    @classmethod
    def for_recommendation(cls, recommendation, **kwargs):
        """The form of ``recommendation``, filled in with its status as recorded."""
        return cls(initial={"status": recommendation.status,
                            "status_as_of": recommendation.status_as_of,
                            "status_reported": recommendation.status_reported,
                            "status_note": recommendation.status_note},
                   recorded_status=recommendation.status, **kwargs)

    def __init__(self, *args, recorded_status: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.recorded_status = recorded_status

    def clean(self):
        cleaned = super().clean()
        new_status = cleaned.get("status")
        undated = not cleaned.get("status_as_of") and not (
            cleaned.get("status_reported") or "").strip()
        if new_status and new_status != self.recorded_status and undated \
                and "status_as_of" not in self.errors:
            self.add_error("status_as_of", _(
                "Give the day of GAO's new status or, when GAO's public record gives no day, "
                "when GAO reported it."))
        return cleaned


class YearDecisionForm(forms.Form):
    """TIP staff's lock or unlock of a compact's fiscal year (the reason is required to
    unlock: compacts.year_locks says so)."""

    reason = forms.CharField(
        required=False, max_length=2000, label=_("Reason"),
        widget=forms.TextInput(attrs={"class": "usa-input"}),
        help_text=_("Kept in the year's history; required to unlock."))
