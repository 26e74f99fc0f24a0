"""Forms of the award finance pages: one fiscal year's figures, the import upload and its
confirm."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cpc.fiscal import bound_year_fields

from .models import AwardFinance


class AwardFinanceForm(forms.ModelForm):
    """One fiscal year of an award (the year comes from the page, not the form)."""

    class Meta:
        model = AwardFinance
        fields = ["obligated_usd", "disbursed_usd", "spent_usd", "source_reference", "as_of"]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_year_fields(self)
        for field in self.fields.values():
            field.required = False
            css = "usa-input"
            field.widget.attrs.setdefault("class", css)

    def is_blank(self) -> bool:
        return all(self.data.get(self.add_prefix(name), "").strip() == ""
                   for name in self.fields)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or self.is_blank():
            return
        for name in ("obligated_usd", "disbursed_usd", "spent_usd", "as_of"):
            if self.cleaned_data.get(name) is None and name not in self.errors:
                self.add_error(name, _("This field is required."))

    def _post_clean(self):
        pass  # the service runs the model's rules, on every year at once


class FinanceImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX export of the financial system"),
        help_text=_("Columns: award_number, fiscal_year, obligated_usd, disbursed_usd, "
                    "spent_usd, source_reference, as_of (YYYY-MM-DD). The header is row 1."),
        widget=forms.ClearableFileInput(attrs={"class": "usa-file-input",
                                               "accept": ".csv,.xlsx"}),
    )


class FinanceConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
