"""Contributions the partner government reported at an annual dialogue, entered as rows of
the dialogue record's "log outcomes" step (registered with ``dialogues.record_sections``).
Each row is created through ``services.contribution_create``, recorded at the dialogue, in
the step's transaction; its evidence and TIP staff's verification follow on the compact's
contributions page."""

from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from cpc.fiscal import bound_year_fields
from dialogues.forms import NewRows
from dialogues.record_sections import OutcomeRows, register

from . import services
from .models import Contribution


class ContributionRowForm(forms.ModelForm):
    class Meta:
        model = Contribution
        fields = ["fiscal_year", "kind", "description", "amount_local", "currency",
                  "amount_usd", "personnel_count"]
        labels = {"currency": _("Currency code"), "personnel_count": _("Personnel count")}
        help_texts = {
            "currency": "",
            # Needed for a personnel contribution alone (a model rule): said before input.
            "personnel_count": _("For a personnel contribution: how many people. Leave it "
                                 "empty for the other kinds."),
        }
        widgets = {
            "fiscal_year": forms.NumberInput(attrs={"class": "usa-input usa-input--small"}),
            "kind": forms.Select(attrs={"class": "usa-select"}),
            "description": forms.TextInput(attrs={"class": "usa-input"}),
            "amount_local": forms.NumberInput(attrs={"class": "usa-input usa-input--medium",
                                                     "step": "0.01"}),
            "currency": forms.TextInput(attrs={"class": "usa-input usa-input--small",
                                               "maxlength": 3}),
            "amount_usd": forms.NumberInput(attrs={"class": "usa-input usa-input--medium",
                                                   "step": "0.01"}),
            "personnel_count": forms.NumberInput(attrs={"class": "usa-input usa-input--small"}),
        }

    def __init__(self, *args, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A blank row stays blank (and unsaved) until something is typed in it.
        self.fields["fiscal_year"].initial = year
        bound_year_fields(self)
        self.empty_permitted = True
        self.use_required_attribute = False

    def has_changed(self):
        return any(name != "fiscal_year" and name in self.changed_data for name in self.fields)

    def _post_clean(self):
        # The model's own checks run in the service, with the compact and the dialogue set.
        pass


ContributionRows = formset_factory(ContributionRowForm, formset=NewRows, extra=1,
                                   can_delete=True)


PREFIX = "contributions"


def build(dialogue, data=None):
    if data is not None and f"{PREFIX}-TOTAL_FORMS" not in data:
        # A step posted without these rows (a form from before they existed) adds none.
        data = data.copy()
        data[f"{PREFIX}-TOTAL_FORMS"] = data[f"{PREFIX}-INITIAL_FORMS"] = "0"
    return ContributionRows(data, prefix=PREFIX, form_kwargs={"year": dialogue.fiscal_year})


def save_row(user, dialogue, data) -> None:
    fields = {name: data.get(name) for name in ContributionRowForm.Meta.fields}
    services.contribution_create(user=user, compact=dialogue.compact,
                                 recorded_at_dialogue=dialogue, **fields)


def saved(dialogue) -> list[str]:
    return [_("FY%(fiscal_year)s %(kind)s: %(description)s ($%(amount)s)") % {
                "fiscal_year": c.fiscal_year, "kind": c.get_kind_display().lower(),
                "description": c.description, "amount": intcomma(round(c.amount_usd))}
            for c in Contribution.objects.filter(recorded_at_dialogue=dialogue)
            .order_by("fiscal_year", "pk")]


def register_rows() -> None:
    register(OutcomeRows(
        prefix=PREFIX, title=_("Contributions reported"), noun=_("Contribution"),
        hint=_("Each contribution the partner government reported, with its figures. Add the "
               "evidence on the compact's contributions page, where TIP staff verify it."),
        build=build, save_row=save_row, saved=saved))
