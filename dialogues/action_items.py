"""The action items of every dialogue the reader may see, in one list with filters kept in
the URL: owner, status, country, and when they fall due."""

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from compacts.models import PartnerCountry
from cpc.access.scoping import scope_to_visible
from cpc.access.views import RoleRequiredMixin

from .models import ActionItem, ActionItemStatus

PAGE_SIZE = 50
DUE_CHOICES = [("", _("Any time")), ("overdue", _("Overdue")), ("30", _("Within 30 days")),
               ("none", _("No due date"))]


class ActionItemFilterForm(forms.Form):
    owner = forms.CharField(required=False, max_length=255, label=_("Owner contains"),
                            widget=forms.TextInput(attrs={"class": "usa-input"}))
    status = forms.ChoiceField(required=False, label=_("Status"),
                               choices=[("", _("Any status")), *ActionItemStatus.choices],
                               widget=forms.Select(attrs={"class": "usa-select"}))
    country = forms.ModelChoiceField(required=False, label=_("Country"),
                                     queryset=PartnerCountry.objects.none(),
                                     empty_label=_("Every country"),
                                     widget=forms.Select(attrs={"class": "usa-select"}))
    due = forms.ChoiceField(required=False, label=_("Due"), choices=DUE_CHOICES,
                            widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = scope_to_visible(
            PartnerCountry.objects.filter(compacts__isnull=False).distinct(), user,
            country_path="")
        self.fields["country"].label_from_instance = lambda country: country.name

    def apply(self, items: QuerySet) -> QuerySet:
        if not self.is_valid():
            return items
        data, today = self.cleaned_data, timezone.localdate()
        if data["owner"].strip():
            items = items.filter(owner__icontains=data["owner"].strip())
        if data["status"]:
            items = items.filter(status=data["status"])
        if data["country"]:
            items = items.filter(dialogue__compact__country=data["country"])
        if data["due"] == "overdue":
            items = items.overdue(today)
        elif data["due"] == "30":
            items = items.filter(due_on__gte=today,
                                 due_on__lte=today + dt.timedelta(days=30))
        elif data["due"] == "none":
            items = items.filter(due_on__isnull=True)
        return items


def visible_action_items(*, user) -> QuerySet[ActionItem]:
    return scope_to_visible(
        ActionItem.objects.select_related("dialogue__compact__country"), user,
        country_path="dialogue__compact__country",
    ).order_by("status", "due_on", "pk")


class ActionItemListView(RoleRequiredMixin, View):
    template_name = "dialogues/action_items.html"

    def get(self, request):
        form = ActionItemFilterForm(request.GET or None, user=request.user)
        items = form.apply(visible_action_items(user=request.user))
        page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, self.template_name, {
            "form": form, "items": page.object_list, "page_obj": page,
            "paginator": page.paginator, "is_paginated": page.has_other_pages()})
