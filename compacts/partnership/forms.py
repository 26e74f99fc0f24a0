"""Forms of the compact document and pledge pages. They parse and label input; the
services in :mod:`compacts.partnership.services` validate the whole record and save it."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cpc.fiscal import bound_year_fields
from cpc.uploads import UPLOAD_HINT, validate_evidence

from ..models import DOCUMENT_TEXT_FIELDS, CompactDocument, PartnerPledge

SELECT = _("- Select -")


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "usa-textarea height-auto", "rows": rows})


class CompactDocumentForm(forms.ModelForm):
    signed_document = forms.FileField(
        required=False, label=_("Signed document (optional)"), validators=[validate_evidence],
        help_text=format_lazy("{} {}", UPLOAD_HINT, _("Stored privately; leave empty to keep "
                                                      "the document already attached.")),
        widget=forms.FileInput(attrs={"class": "usa-file-input"}),
    )

    public_url = forms.URLField(
        required=False, assume_scheme="https", max_length=500, label=_("Public address"),
        help_text=_("Where the public can read the document, when it is public."),
        widget=forms.URLInput(attrs={"class": "usa-input"}))

    class Meta:
        model = CompactDocument
        fields = [*DOCUMENT_TEXT_FIELDS, "signed_document", "is_public", "public_url"]
        widgets = {**{name: _textarea(4) for name in DOCUMENT_TEXT_FIELDS},
                   "is_public": forms.CheckboxInput(attrs={"class": "usa-checkbox__input"})}
        labels = {"is_public": _("The document is public")}


class PledgeForm(forms.ModelForm):
    class Meta:
        model = PartnerPledge
        fields = ["fiscal_year", "kind", "amount_local", "currency", "amount_usd",
                  "personnel_count", "source"]
        labels = {"currency": _("Currency code"), "personnel_count": _("Personnel count"),
                  "source": _("Clause of the document or source")}
        widgets = {"source": _textarea(2),
                   "currency": forms.TextInput(attrs={"class": "usa-input usa-input--small"})}

    def __init__(self, *args, fiscal_years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        bound_year_fields(self)
        kind = self.fields["kind"]
        kind.choices = [("", SELECT), *[c for c in kind.choices if c[0] != ""]]
        if fiscal_years:
            self.fields["fiscal_year"] = forms.TypedChoiceField(
                label=_("Fiscal year"), coerce=int,
                choices=[("", SELECT), *[(y, f"FY {y}") for y in fiscal_years]])
        for name, field in self.fields.items():
            if name not in {"source"}:
                field.widget.attrs.setdefault(
                    "class", "usa-select" if isinstance(field.widget, forms.Select)
                    else "usa-input")
