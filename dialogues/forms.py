"""Forms of the dialogue record: a stepper (prepare, hold, log outcomes, close) whose steps
each save on their own, with add/remove rows (Django formsets) for participants,
discussions, target proposals and action items."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BaseFormSet, BaseInlineFormSet, formset_factory, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpc.fiscal import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, bound_year_fields
from cpc.services import REASON_MAX_LENGTH
from cpc.validators import LONG_TEXT_MAX, validate_sane_date
from indicators.forms import DocumentForm
from indicators.models import Indicator

from .models import (
    DISCUSSION_NOTES_MIN_CHARS,
    ActionItem,
    AttachmentKind,
    Dialogue,
    Participant,
)


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
        help_text=_("Pick the key indicators before the dialogue; the date is recorded."),
    )

    class Meta:
        model = Dialogue
        fields = ["scheduled_for", "format", "key_indicators", "key_indicators_shared_on",
                  "key_indicators_shared_via", "key_indicators_shared_note", "summary",
                  "contributions_discussed", "contributions_notes",
                  "sustainability_discussed", "sustainability_notes"]
        labels = {
            "key_indicators_shared_on": _("Shared with the partner government on"),
            "key_indicators_shared_via": _("Shared by"),
            "key_indicators_shared_note": _("How they were shared (optional; required for other)"),
        }
        help_texts = {
            "key_indicators_shared_on": _("The date the key indicators were sent to the partner "
                                        "government, before the dialogue."),
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
        self.fields["key_indicators"].label_from_instance = Indicator.choice_label
        bound_year_fields(self)

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


class PrepareForm(DialogueForm):
    """Step 1: the date, the key indicators and how they reached the partner."""

    class Meta(DialogueForm.Meta):
        fields = ["scheduled_for", "format", "key_indicators", "key_indicators_shared_on",
                  "key_indicators_shared_via", "key_indicators_shared_note"]


class OutcomesForm(ModelRulesForm):
    """Step 3: what the dialogue concluded beyond the rows (contributions, sustainability,
    the summary)."""

    class Meta:
        model = Dialogue
        fields = ["contributions_discussed", "contributions_notes",
                  "sustainability_discussed", "sustainability_notes", "summary"]
        widgets = {key: DialogueForm.Meta.widgets[key] for key in fields}


REMOVE_LABEL = _("Remove this row")


class RowsMixin:
    """Rows a person can remove before saving (``DELETE``, labelled for what it does). Rows
    holding oversight data that may not be deleted (``keep_saved_rows``) lose the box once
    saved: an action item is dropped through its status instead."""

    keep_saved_rows = False

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            if self.keep_saved_rows and getattr(form.instance, "pk", None):
                del form.fields["DELETE"]
            else:
                form.fields["DELETE"].label = REMOVE_LABEL
                form.fields["DELETE"].widget.attrs["class"] = "usa-checkbox__input"

    def rows_to_save(self):
        """The forms that hold something to write: changed, and not marked for removal."""
        return [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]


class ParticipantRows(RowsMixin, BaseInlineFormSet):
    pass


class ActionItemRows(RowsMixin, BaseInlineFormSet):
    keep_saved_rows = True


class NewRows(RowsMixin, BaseFormSet):
    pass


ParticipantFormSet = inlineformset_factory(
    Dialogue, Participant, formset=ParticipantRows, fields=["name", "organization", "side"],
    extra=1, can_delete=True,
    widgets={"name": forms.TextInput(attrs={"class": "usa-input"}),
             "organization": forms.TextInput(attrs={"class": "usa-input"}),
             "side": forms.Select(attrs={"class": "usa-select"})},
)

ActionItemFormSet = inlineformset_factory(
    Dialogue, ActionItem, formset=ActionItemRows, fk_name="dialogue",
    fields=["description", "owner", "due_on", "status"], extra=1, can_delete=True,
    widgets={"description": forms.TextInput(attrs={"class": "usa-input"}),
             "owner": forms.TextInput(attrs={"class": "usa-input"}),
             "due_on": forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
             "status": forms.Select(attrs={"class": "usa-select"})},
)


class IndicatorRowForm(forms.Form):
    indicator = forms.ModelChoiceField(queryset=Indicator.objects.none(),
                                       widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["indicator"].label_from_instance = Indicator.choice_label


class DiscussionRowForm(IndicatorRowForm):
    """A new discussion: which indicator's data, and what was said (the figures are stamped
    by the server)."""

    notes = forms.CharField(label=_("What was discussed"), max_length=LONG_TEXT_MAX,
                            widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Discussion.clean asks for this much: the hint says so before anything is typed.
        self.fields["notes"].hint_min_length = DISCUSSION_NOTES_MIN_CHARS


class ProposalRowForm(IndicatorRowForm):
    """A target proposed at the dialogue (it changes the target once TIP staff accept it)."""

    fiscal_year = forms.IntegerField(min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX,
                                     label=_("For fiscal year"),
                                     widget=forms.NumberInput(attrs={"class": "usa-input"}))
    value = forms.DecimalField(max_digits=18, decimal_places=4, label=_("Target proposed"),
                               widget=forms.NumberInput(attrs={"class": "usa-input",
                                                               "step": "any"}))

    def __init__(self, *args, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The dialogue's year by default: a row left at it is still a blank row.
        self.fields["fiscal_year"].initial = year


DiscussionFormSet = formset_factory(DiscussionRowForm, formset=NewRows, extra=1,
                                    can_delete=True)
ProposalFormSet = formset_factory(ProposalRowForm, formset=NewRows, extra=1, can_delete=True)


class AttachmentForm(DocumentForm):
    kind = forms.ChoiceField(choices=AttachmentKind.choices, label=_("What it is"),
                             widget=forms.Select(attrs={"class": "usa-select"}))
    field_order = ["kind", "title", "file"]

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds:
            self.fields["kind"].choices = [(k.value, k.label) for k in kinds]


class HoldForm(forms.Form):
    held_on = forms.DateField(validators=[validate_sane_date],
                              widget=forms.DateInput(attrs={"type": "date",
                                                            "class": "usa-input"}))


class DecisionForm(forms.Form):
    """TIP staff's note on a target proposal (required to reject it)."""

    decision_note = forms.CharField(required=False, max_length=2000,
                                    widget=forms.TextInput(attrs={"class": "usa-input"}))


class HeldOnForm(HoldForm):
    """Step 2's date: blank while the dialogue is still ahead."""

    held_on = forms.DateField(required=False, validators=[validate_sane_date],
                              label=_("Held on"),
                              help_text=_("Leave blank until the dialogue has taken place."),
                              widget=forms.DateInput(attrs={"type": "date",
                                                            "class": "usa-input"}))


class ReasonForm(forms.Form):
    """Why the dialogue is closed (when a check would read not met once it is) or reopened.
    The service decides whether a reason is needed and how long it must be; its errors show
    beside the field."""

    reason = forms.CharField(
        required=False, max_length=REASON_MAX_LENGTH, label=_("Reason"),
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}))


class CloseForm(ReasonForm):
    reason = forms.CharField(
        required=False, max_length=REASON_MAX_LENGTH, label=_("Why close it now"),
        help_text=_("Needed when a check would read not met once the dialogue is closed (at "
                    "least 20 characters); the history keeps it."),
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}))


class ReopenForm(ReasonForm):
    reason = forms.CharField(
        required=False, max_length=REASON_MAX_LENGTH, label=_("Why reopen it"),
        help_text=_("At least 20 characters; the history keeps it."),
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}))
