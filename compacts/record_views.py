"""TIP staff's pages for the compact's selection record and a country's TIP Report tiers.
Lookups are scoped first (an object outside the reader's countries is a 404); writing is
TIP staff's alone."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from cpc.access import scoping
from cpc.access.permissions import ERR_READ_ONLY_ROLE
from cpc.access.views import RoleRequiredMixin
from cpc.forms import apply_service_errors
from cpc.versions import VERSION_FIELD, RecordChanged

from . import selection, selectors, services
from .forms import SelectionFactorForm, TierRankingForm
from .models import SelectionFactorKind


class SelectionRecordView(RoleRequiredMixin, View):
    """Every selection factor of a compact, each with its own form (value, source, date);
    a form saves its one factor."""

    template_name = "compacts/selection_record.html"

    def setup_compact(self, request, pk):
        self.compact = get_object_or_404(selectors.visible_compacts(user=request.user), pk=pk)
        if not scoping.is_tip_staff(request.user):
            raise PermissionDenied(ERR_READ_ONLY_ROLE)

    def page(self, *, status=200, bound=None):
        rows = []
        for row in selection.selection_rows(self.compact.selection_factors.all()):
            record = row.record
            initial = ({"value": record.value, "source": record.source, "as_of": record.as_of}
                       if record else {})
            form = SelectionFactorForm(prefix=row.factor,
                                       initial={**initial, VERSION_FIELD: row.version})
            if bound and bound[0] == row.factor:
                form = bound[1]
            rows.append({"row": row, "form": form})
        return render(self.request, self.template_name,
                      {"compact": self.compact, "rows": rows}, status=status)

    def get(self, request, pk):
        self.setup_compact(request, pk)
        return self.page()

    def post(self, request, pk):
        self.setup_compact(request, pk)
        factor = request.POST.get("factor", "")
        if factor not in SelectionFactorKind.values:
            return self.page(status=400)
        form = SelectionFactorForm(request.POST, prefix=factor)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop(VERSION_FIELD, None)
            try:
                selection.selection_factor_save(user=request.user, compact=self.compact,
                                                factor=factor, version=version, **data)
            except RecordChanged as changed:
                messages.error(request, changed.message)
                return self.page(status=409)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Selection factor saved."))
                return redirect(reverse("compacts:selection-record", args=[pk])
                                + f"#factor-{factor}")
        return self.page(status=400, bound=(factor, form))


class TierRankingsView(RoleRequiredMixin, View):
    """A country's TIP Report tiers by report year; TIP staff record the tier of a report
    year here."""

    template_name = "compacts/tier_rankings.html"

    def page(self, country, form=None, status=200):
        can_record = scoping.is_tip_staff(self.request.user)
        return render(self.request, self.template_name, {
            "country": country,
            "rankings": selectors.tier_ranking_list(user=self.request.user, country=country),
            "compacts": selectors.visible_compacts(user=self.request.user).filter(
                country=country),
            "form": (form or TierRankingForm()) if can_record else None,
        }, status=status)

    def get(self, request, pk):
        country = get_object_or_404(selectors.country_list(user=request.user), pk=pk)
        return self.page(country)

    def post(self, request, pk):
        country = get_object_or_404(selectors.country_list(user=request.user), pk=pk)
        if not scoping.is_tip_staff(request.user):
            raise PermissionDenied(ERR_READ_ONLY_ROLE)
        form = TierRankingForm(request.POST)
        if form.is_valid():
            try:
                services.tier_ranking_create(user=request.user, country=country,
                                             **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Tier recorded."))
                return redirect("compacts:tier-rankings", pk=pk)
        return self.page(country, form, status=400)
