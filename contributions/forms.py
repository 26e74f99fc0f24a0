from django import forms

from .models import FollowUp


class ContributionImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text="Columns: fiscal_year, kind, description, amount_local, currency, "
                  "amount_usd, personnel_count. The header is row 1.",
        widget=forms.ClearableFileInput(attrs={"class": "usa-file-input",
                                               "accept": ".csv,.xlsx"}),
    )


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["date", "note", "next_step"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
            "note": forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}),
            "next_step": forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}),
        }
