"""Filters of indicators that more than one query needs."""

from django.db.models import Q


def active_in_fiscal_year(fiscal_year: int) -> Q:
    """Indicators tracked in ``fiscal_year`` (the compact's activity is checked apart)."""
    return ((Q(first_fiscal_year__isnull=True) | Q(first_fiscal_year__lte=fiscal_year))
            & (Q(last_fiscal_year__isnull=True) | Q(last_fiscal_year__gte=fiscal_year)))
