"""Staff forms of the compact record's pages (the selection record, a country's tiers).
They parse input; the services validate and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cpc.validators import LONG_TEXT_MAX, validate_sane_date
from cpc.versions import VersionField

from .models import Tier

DATE = {"type": "date", "class": "usa-input"}


class SelectionFactorForm(forms.Form):
    value = forms.CharField(max_length=LONG_TEXT_MAX, label=_("Value"), widget=forms.Textarea(
        attrs={"class": "usa-textarea height-auto", "rows": 2}))
    source = forms.CharField(max_length=255, label=_("Source"),
                             widget=forms.TextInput(attrs={"class": "usa-input"}),
                             help_text=_("The report, index or document, with its edition."))
    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs=DATE),
                            validators=[validate_sane_date],
                            help_text=_("The date the value holds for (the source's date)."))
    version = VersionField()


class TierRankingForm(forms.Form):
    report_year = forms.IntegerField(label=_("TIP Report year"), min_value=2001,
                                     widget=forms.NumberInput(attrs={"class": "usa-input"}))
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices,
                             widget=forms.Select(attrs={"class": "usa-select"}))
