"""The staff form of a compact's evaluation. It parses input; the services validate and
save."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from compacts.models import Implementer
from cpc.uploads import UPLOAD_HINT, validate_evidence, validate_upload
from cpc.validators import LONG_TEXT_MAX, NOTE_MAX, validate_sane_date
from cpc.versions import VersionField

from .evaluations import EvaluationKind
from .models import Indicator

DATE = {"type": "date", "class": "usa-input"}
FORM_FIELDS = ("kind", "title", "fieldwork_start", "fieldwork_end", "published_on",
               "implementer", "design", "key_findings", "document")


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "usa-textarea height-auto", "rows": rows})


def _date(label):
    return forms.DateField(label=label, required=False, validators=[validate_sane_date],
                           widget=forms.DateInput(attrs=DATE))


class EvaluationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvaluationKind.choices,
                             widget=forms.Select(attrs={"class": "usa-select"}))
    title = forms.CharField(label=_("Title"), max_length=255,
                            widget=forms.TextInput(attrs={"class": "usa-input"}))
    fieldwork_start = _date(_("Fieldwork start"))
    fieldwork_end = _date(_("Fieldwork end"))
    published_on = _date(_("Published on"))
    implementer = forms.ModelChoiceField(
        label=_("Implementer (optional)"), required=False,
        queryset=Implementer.objects.order_by("name"),
        widget=forms.Select(attrs={"class": "usa-select"}))
    design = forms.CharField(label=_("Design"), required=False, max_length=NOTE_MAX,
                             widget=_textarea(2), help_text=_(
                                 "How it was done: rounds, comparison groups or regions, "
                                 "sample."))
    key_findings = forms.CharField(label=_("Key findings"), required=False,
                                   max_length=LONG_TEXT_MAX, widget=_textarea(4),
                                   help_text=_("Required once the evaluation is published."))
    document = forms.FileField(
        label=_("Report (optional)"), required=False,
        validators=[validate_upload, validate_evidence],
        help_text=format_lazy("{} {}", UPLOAD_HINT, _("Stored privately.")),
        widget=forms.FileInput(attrs={"class": "usa-file-input"}))
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators it measures"), queryset=Indicator.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))
    version = VersionField()

    def __init__(self, *args, compact, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = Indicator.objects.filter(
            compact=compact).order_by("code")

    @classmethod
    def for_evaluation(cls, evaluation, **kwargs):
        initial = {name: getattr(evaluation, name) for name in FORM_FIELDS
                   if name != "document"}
        initial["indicators"] = list(evaluation.indicators.all())
        return cls(initial=initial, compact=evaluation.compact, **kwargs)
