"""Filters whose choices are scoped like everything else: an officer filtering by another
country's compact gets the same 400 as for an id that does not exist, so filters do not
reveal which ids exist elsewhere."""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend

from .scoping import scope_any


class ScopedFilterSet(django_filters.FilterSet):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            queryset = getattr(filter_, "queryset", None)
            if user is not None and queryset is not None and not callable(queryset):
                filter_.queryset = scope_any(queryset.all(), user)


class ScopedFilterBackend(DjangoFilterBackend):
    filterset_base = ScopedFilterSet
