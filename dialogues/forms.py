"""Forms of the dialogue page: one page to prepare and log a whole dialogue."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import inlineformset_factory
from django.utils import timezone

from cpc.fiscal import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN
from cpc.validators import validate_sane_date
from indicators.models import Indicator

from .models import ActionItem, Dialogue, Participant


class ModelRulesForm(forms.ModelForm):
    """A model form whose model rules may name a field the form does not show (the log page
    has no ``held_on``): such errors go to the top of the form rather than failing."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            placed: dict[str, list] = {}
            for field, messages in errors.error_dict.items():
                target = field if field in self.fields else NON_FIELD_ERRORS
                placed.setdefault(target, []).extend(messages)
            errors = ValidationError(placed)
        super()._update_errors(errors)


class DialogueForm(ModelRulesForm):
    key_indicators = forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
        help_text="Pick the key indicators before the dialogue; the date is recorded.",
    )

    class Meta:
        model = Dialogue
        fields = ["scheduled_for", "format", "key_indicators", "key_indicators_shared_on",
                  "key_indicators_shared_via", "key_indicators_shared_note", "summary",
                  "contributions_discussed", "contributions_notes",
                  "sustainability_discussed", "sustainability_notes"]
        labels = {
            "key_indicators_shared_on": "Shared with the partner government on",
            "key_indicators_shared_via": "Shared by",
            "key_indicators_shared_note": "How they were shared (optional; required for other)",
        }
        help_texts = {
            "key_indicators_shared_on": "The date the key indicators were sent to the partner "
                                        "government, before the dialogue.",
        }
        widgets = {
            "scheduled_for": forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
            "key_indicators_shared_on": forms.DateInput(attrs={"type": "date",
                                                               "class": "usa-input"}),
            "key_indicators_shared_via": forms.Select(attrs={"class": "usa-select"}),
            "key_indicators_shared_note": forms.Textarea(attrs={"class": "usa-textarea",
                                                                "rows": 2}),
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

    def clean(self):
        cleaned = super().clean()
        # Key indicators picked now are stamped today when saved (dialogues.services); check
        # the dates given with them (shared on, for one) against that day.
        if cleaned.get("key_indicators") and self.instance.key_indicators_identified_on is None:
            self.instance.key_indicators_identified_on = timezone.localdate()
        return cleaned


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
    held_on = forms.DateField(validators=[validate_sane_date],
                              widget=forms.DateInput(attrs={"type": "date",
                                                            "class": "usa-input"}))


class DecisionForm(forms.Form):
    """TIP staff's note on a target proposal (required to reject it)."""

    decision_note = forms.CharField(required=False, max_length=2000,
                                    widget=forms.TextInput(attrs={"class": "usa-input"}))
