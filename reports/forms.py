from django import forms

from compacts.scoping import sees_every_country

from .models import FIRST_FISCAL_YEAR, ReportKind, latest_reportable_fiscal_year


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label="Report", choices=ReportKind.choices)
    compact = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="— All compacts (program report) —",
        help_text="Required for a compact oversight report.",
    )
    fiscal_year = forms.TypedChoiceField(label="Fiscal year", coerce=int)

    def __init__(self, *args, user, compacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compact"].queryset = compacts
        self.fields["compact"].label_from_instance = lambda c: f"{c.country.name}: {c.title}"
        last = latest_reportable_fiscal_year()
        self.fields["fiscal_year"].choices = [
            (year, f"FY{year}") for year in range(last, FIRST_FISCAL_YEAR - 1, -1)
        ]
        self.fields["fiscal_year"].initial = last - 1
        if not sees_every_country(user):
            # Program reports cover every country: staff and auditors only.
            self.fields["kind"].choices = [(ReportKind.COMPACT_OVERSIGHT,
                                            ReportKind.COMPACT_OVERSIGHT.label)]
            self.fields["compact"].empty_label = None
