"""Forms of the dialogue page: one page to prepare and log a whole dialogue."""

from django import forms
from django.forms import inlineformset_factory

from cpc.fiscal import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN
from indicators.models import Indicator

from .models import ActionItem, Dialogue, Participant


class DialogueForm(forms.ModelForm):
    key_indicators = forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
        help_text="Pick the key indicators before the dialogue; the date is recorded.",
    )

    class Meta:
        model = Dialogue
        fields = ["scheduled_for", "format", "key_indicators", "summary",
                  "contributions_discussed", "contributions_notes",
                  "sustainability_discussed", "sustainability_notes"]
        widgets = {
            "scheduled_for": forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
            "format": forms.Select(attrs={"class": "usa-select"}),
            "summary": forms.Textarea(attrs={"class": "usa-textarea", "rows": 4}),
            "contributions_notes": forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}),
            "sustainability_notes": forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}),
            "contributions_discussed": forms.CheckboxInput(
                attrs={"class": "usa-checkbox__input"}),
            "sustainability_discussed": forms.CheckboxInput(
                attrs={"class": "usa-checkbox__input"}),
        }

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_indicators"].queryset = indicators
        self.fields["key_indicators"].label_from_instance = lambda i: f"{i.code} {i.name}"


class NewDialogueForm(DialogueForm):
    class Meta(DialogueForm.Meta):
        fields = ["fiscal_year", "scheduled_for", "format", "key_indicators"]
        widgets = {**DialogueForm.Meta.widgets,
                   "fiscal_year": forms.NumberInput(attrs={"class": "usa-input"})}


ParticipantFormSet = inlineformset_factory(
    Dialogue, Participant, fields=["name", "organization", "side"], extra=2, can_delete=False,
    widgets={"name": forms.TextInput(attrs={"class": "usa-input"}),
             "organization": forms.TextInput(attrs={"class": "usa-input"}),
             "side": forms.Select(attrs={"class": "usa-select"})},
)

ActionItemFormSet = inlineformset_factory(
    Dialogue, ActionItem, fk_name="dialogue", fields=["description", "owner", "due_on", "status"],
    extra=2, can_delete=False,
    widgets={"description": forms.TextInput(attrs={"class": "usa-input"}),
             "owner": forms.TextInput(attrs={"class": "usa-input"}),
             "due_on": forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
             "status": forms.Select(attrs={"class": "usa-select"})},
)


class IndicatorLogForm(forms.Form):
    """Per indicator: what was said about its data, and a target proposed for a year (a
    proposal until TIP staff accept it)."""

    notes = forms.CharField(required=False, label="Discussion notes",
                            widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}))
    target_value = forms.DecimalField(required=False, max_digits=18, decimal_places=4,
                                      label="Target proposed",
                                      widget=forms.NumberInput(attrs={"class": "usa-input",
                                                                      "step": "any"}))
    target_year = forms.IntegerField(required=False, min_value=FISCAL_YEAR_MIN,
                                     max_value=FISCAL_YEAR_MAX,
                                     label="for fiscal year",
                                     widget=forms.NumberInput(attrs={"class": "usa-input"}))


class HoldForm(forms.Form):
    held_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date",
                                                            "class": "usa-input"}))


class DecisionForm(forms.Form):
    """TIP staff's note on a target proposal (required to reject it)."""

    decision_note = forms.CharField(required=False, max_length=2000,
                                    widget=forms.TextInput(attrs={"class": "usa-input"}))
