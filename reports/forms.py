from django import forms
from django.utils.translation import gettext_lazy as _

from cpc.access.scoping import sees_every_country

from .models import (
    ERR_COMPACT_REQUIRED,
    FIRST_FISCAL_YEAR,
    ReportKind,
    latest_reportable_fiscal_year,
)

ERR_YEAR_OUTSIDE_TERM = (_("{compact} was not active in FY{year}: choose one of FY{first} to "
                         "FY{last}."))


class ReportRequestForm(forms.Form):
    """Offers only valid combinations: the kind decides whether a compact is chosen, and the
    fiscal years are those of the chosen compact's term. ``choice`` (the kind, compact and
    year chosen so far: a refresh, or the user's last request) sets the choices and the
    selected values, so the defaults always make a valid request."""

    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    compact = forms.ModelChoiceField(
        queryset=None, required=False, empty_label=_("All compacts (program report)"),
        help_text=_("Required for a compact oversight report."),
    )
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)

    def __init__(self, *args, user, compacts, choice=None, **kwargs):
        super().__init__(*args, **kwargs)
        choice = self.data if self.is_bound else (choice or {})
        choice = choice.dict() if hasattr(choice, "dict") else dict(choice)  # a QueryDict
        kinds = list(ReportKind.choices)
        if not sees_every_country(user):
            # Program reports cover every country: staff and auditors only.
            kinds = [(ReportKind.COMPACT_OVERSIGHT, ReportKind.COMPACT_OVERSIGHT.label)]
        self.fields["kind"].choices = kinds
        kind = choice.get("kind")
        if kind not in dict(kinds):
            kind = kinds[-1][0] if len(kinds) > 1 else kinds[0][0]  # program for staff
        field = self.fields["compact"]
        field.label_from_instance = lambda c: f"{c.country.name}: {c.title}"
        compact = None
        if kind == ReportKind.PROGRAM_OVERSIGHT:
            field.queryset = compacts.none()
            field.help_text = "A program report covers every compact active in the year."
        else:
            field.queryset = compacts
            field.empty_label = None
            compact = _find(compacts, choice.get("compact")) or compacts.first()
        last = latest_reportable_fiscal_year()
        years = list(range(last, FIRST_FISCAL_YEAR - 1, -1))
        if compact is not None:
            term = [y for y in compact.fiscal_years() if FIRST_FISCAL_YEAR <= y <= last]
            years = sorted(term, reverse=True) or years
        self.fields["fiscal_year"].choices = [(year, _("FY%(fiscal_year)s") % {"fiscal_year": year})
                                              for year in years]
        wanted = _int(choice.get("fiscal_year"))
        default = wanted if wanted in years else next((y for y in years if y < last), years[-1])
        self.initial.update(kind=kind, compact=compact.pk if compact else None,
                            fiscal_year=default)
        self.selected_compact = compact

    def clean(self):
        data = super().clean()
        kind, compact, year = data.get("kind"), data.get("compact"), data.get("fiscal_year")
        if kind == ReportKind.PROGRAM_OVERSIGHT:
            data["compact"] = None
        elif kind == ReportKind.COMPACT_OVERSIGHT and compact is None:
            self.add_error("compact", ERR_COMPACT_REQUIRED)
        elif compact is not None and year is not None and year not in compact.fiscal_years():
            years = compact.fiscal_years() or [year]
            self.add_error("fiscal_year", ERR_YEAR_OUTSIDE_TERM.format(
                compact=compact.country.name, year=year, first=years[0], last=years[-1]))
        return data

    def remembered(self) -> dict:
        """The choice to offer next time."""
        compact = self.cleaned_data.get("compact")
        return {"kind": self.cleaned_data["kind"], "compact": compact.pk if compact else "",
                "fiscal_year": self.cleaned_data["fiscal_year"]}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _find(compacts, pk):
    pk = _int(pk)
    return compacts.filter(pk=pk).first() if pk is not None else None
