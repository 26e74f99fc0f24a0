"""Each standard indicator across compacts by fiscal year (``indicators/comparison.py``):
the page, a page of rows at a time, and the whole table as CSV. Every role reads them, each
the compacts it sees (the selectors' scope); nothing is written.

The work is the same whatever the size of the program: the filter's choices, the count, the
page's rows with their compacts, extensions, targets and approved results, each one query.
"""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from compacts.models import Pillar
from compacts.selectors import fiscal_year_choices
from cpc.access.views import RoleRequiredMixin
from cpc.fiscal import fiscal_year_of

from .. import comparison, exports, selectors
from ..progress import NO_DATA, NOT_DUE_LABEL, STATUS_LABELS
from .compact import ProgressCell

PAGE_SIZE = 40


def _filtered(request):
    """The filter asked for, the standard indicators and the years it chooses from, and the
    scoped rows it selects (not yet read)."""
    standards = list(selectors.standard_indicator_list())
    current = fiscal_year_of(timezone.localdate())
    years = fiscal_year_choices(until=current)
    chosen = comparison.filter_from(request.GET, standards=standards, years=years,
                                    current=current)
    indicators = selectors.standard_comparison_list(
        user=request.user, standard=chosen.standard, pillar=chosen.pillar,
        first_year=chosen.first_year, last_year=chosen.last_year)
    return chosen, standards, years, indicators


def _page_row(row: comparison.ComparisonRow) -> dict:
    unit = row.indicator.unit
    return {"row": row, "indicator": row.indicator,
            "cells": [(year, ProgressCell.of(progress, unit) if progress else None)
                      for year, progress in row.years]}


class StandardComparisonView(RoleRequiredMixin, View):
    """GET /indicators/standard/: targets, actuals and percent of target of each standard
    indicator in every compact the reader sees, by fiscal year."""

    template_name = "indicators/standard_comparison.html"

    def get(self, request):
        chosen, standards, years, indicators = _filtered(request)
        paginator = Paginator(selectors.indicators_with_progress_data(indicators), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        rows = comparison.comparison_rows(page.object_list, chosen.years)
        groups = [(standard, [_page_row(row) for row in members])
                  for standard, members in comparison.grouped(rows)]
        tracked = selectors.standards_tracked(indicators)
        untracked = [s for s in standards if s.pk not in tracked
                     and (chosen.standard is None or s == chosen.standard)
                     and (not chosen.pillar or s.pillar == chosen.pillar)]
        return render(request, self.template_name, {
            "chosen": chosen, "standards": standards, "fiscal_years": years,
            "pillars": Pillar.choices, "groups": groups, "untracked": untracked,
            "paginator": paginator, "page_obj": page, "is_paginated": page.has_other_pages(),
            "sample_figures": any(row.indicator.shows_sample_figures for row in rows),
            "status_labels": [*STATUS_LABELS.items(), (NO_DATA, NOT_DUE_LABEL)],
        })


class StandardComparisonExportView(RoleRequiredMixin, View):
    """GET /indicators/standard/export.csv: the page's table whole (every page of it), with
    the same filter and the same figures."""

    def get(self, request):
        chosen, _standards, _years, indicators = _filtered(request)
        rows = comparison.comparison_rows(
            selectors.indicators_with_progress_data(indicators), chosen.years)
        header, table = comparison.csv_table(rows, chosen.years)
        response = HttpResponse(exports.as_csv(header, table),
                                content_type="text/csv; charset=utf-8")
        name = chosen.standard.code.lower() if chosen.standard else "standard-indicators"
        response["Content-Disposition"] = (
            f'attachment; filename="{name}-fy{chosen.first_year}-fy{chosen.last_year}.csv"')
        return response
