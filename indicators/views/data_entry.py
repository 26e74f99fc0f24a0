"""The data-entry grid: a compact's indicators by fiscal year, each cell a target and a result
to enter, saved together by ``services.data_entry_save``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views import View

from cpc.access import scoping
from cpc.access.views import RoleRequiredMixin
from cpc.fiscal import year_being_reported

from .. import selectors, services
from ..formatting import plain
from ..forms import OPENED_SUFFIX, GridCellForm, GridSubmitForm
from ..services import ERR_MAY_NOT_ENTER

ERR_GRID_NOT_SAVED = gettext_noop(
    "Nothing was saved: correct the highlighted cells and save again.")
ERR_REASON_NEEDED_BELOW = gettext_noop(
    "This changes an approved value: say why in the box below the grid.")


class DataEntryView(RoleRequiredMixin, View):
    """GET/POST /indicators/compact/<id>/data-entry/: a grid of indicators x fiscal years.

    TIP staff set targets and record results; embassy officers record results for their
    countries (no target inputs); auditors get 403. A submit is saved through the services
    or not at all; each service error is shown beside the input that caused it, and every
    cell is tried so that all errors show at once.
    """

    template_name = "indicators/data_entry.html"

    def _compact(self, request, compact_id):
        compact = selectors.compact_for_indicator_table(user=request.user, compact_id=compact_id)
        if not scoping.records_results_in(request.user, compact):
            raise PermissionDenied(_(ERR_MAY_NOT_ENTER))
        return compact

    def _grid(self, request, compact, data=None):
        user = request.user
        can_set_targets = scoping.is_tip_staff(user)
        indicators = list(selectors.compact_indicators_to_record(user=user, compact=compact)
                          .order_by("-is_key", "code", "pk"))
        targets = {
            (t.indicator_id, t.fiscal_year): t
            for t in selectors.target_list(user=user).filter(indicator__compact=compact)
        }
        results = {
            (r.indicator_id, r.fiscal_year): r
            for r in selectors.result_list(user=user).filter(indicator__compact=compact)
        }
        # The year being reported first, so a narrow screen shows it without scrolling;
        # the compact's other years follow in order.
        years = compact.fiscal_years()
        reporting_year = year_being_reported(years, timezone.localdate())
        if reporting_year:
            years = [reporting_year, *(year for year in years if year != reporting_year)]
        rows = []
        for indicator in indicators:
            indicator.compact = compact  # the services read the country from it
            rows.append({"indicator": indicator, "cells": [
                GridCellForm(
                    data, indicator=indicator, fiscal_year=year,
                    target=targets.get((indicator.pk, year)),
                    result=results.get((indicator.pk, year)),
                    can_set_targets=can_set_targets,
                )
                for year in years
            ]})
        return {"compact": compact, "years": years, "rows": rows,
                "reporting_year": reporting_year, "can_set_targets": can_set_targets,
                "submit_form": GridSubmitForm(data)}

    def get(self, request, compact_id: int):
        compact = self._compact(request, compact_id)
        return render(request, self.template_name, self._grid(request, compact))

    def post(self, request, compact_id: int):
        compact = self._compact(request, compact_id)
        # A copy: inputs the user left alone show what is saved now if the page comes back.
        context = self._grid(request, compact, request.POST.copy())
        cells = [cell for row in context["rows"] for cell in row["cells"]]
        submit = context["submit_form"]
        valid = all([submit.is_valid(), *[cell.is_valid() for cell in cells]])
        # The valid cells go to the service even when others are not, so that the services'
        # errors show beside their cells together with the form errors.
        tried = [cell for cell in cells if cell.is_valid()]
        outcome = services.data_entry_save(
            user=request.user, compact=compact, entries=[cell.entry() for cell in tried],
            change_reason=submit.cleaned_data.get("change_reason", "").strip(),
            source=submit.cleaned_data.get("source", "").strip(), keep=valid)
        if valid and outcome.valid:
            if outcome.saved:
                messages.success(request, ngettext("Saved %(count)s change.",
                                                   "Saved %(count)s changes.", outcome.saved)
                                 % {"count": outcome.saved})
            else:
                messages.info(request, _("Nothing had changed; nothing was saved."))
            return redirect("indicators:data-entry", compact_id=compact.pk)
        for index, refusal in outcome.refusals.items():
            _show_refusal(tried[index], refusal, submit)
        context["grid_error"] = _(ERR_GRID_NOT_SAVED)
        context["grid_forms"] = cells  # for the error summary, each cell's errors
        for cell in cells:
            _show_saved_where_left_alone(cell)
        conflict = any(getattr(cell, "conflict", False) for cell in cells)
        return render(request, self.template_name, context, status=409 if conflict else 400)


def _show_refusal(cell: GridCellForm, refusal: services.CellRefusal,
                  submit: GridSubmitForm) -> None:
    if refusal.conflict:
        cell.conflict = True
    if refusal.error is not None:
        _cell_errors(cell, refusal.error, submit)
    else:
        cell.add_error(None, refusal.message)


def _show_saved_where_left_alone(cell: GridCellForm) -> None:
    """An input sent back as the page showed it shows the saved figure again: someone may
    have changed it meanwhile, and the next save must not write the old one back."""
    for name in cell.fields:
        key = cell.add_prefix(name)
        opened = key + OPENED_SUFFIX
        if opened in cell.data and cell.data.get(key, "") == cell.data.get(opened):
            cell.data[key] = plain(cell.saved[name]) or ""


def _cell_errors(cell: GridCellForm, error: ValidationError, submit: GridSubmitForm) -> None:
    """Put a service's errors beside the input of the cell that caused them."""
    if not hasattr(error, "error_dict"):
        cell.add_error(None, error.messages)
        return
    for field, field_messages in error.message_dict.items():
        if field == "change_reason":
            cell.add_error(cell.result_fields[0], _(ERR_REASON_NEEDED_BELOW))
            if "change_reason" not in submit.errors:
                submit.add_error("change_reason", field_messages)
            continue
        if field in cell.fields:
            name = field
        elif field == "value":
            name = cell.result_fields[0]
        else:
            name = None  # fiscal year, disaggregations, scope: about the cell as a whole
        cell.add_error(name, field_messages)
