"""A person's notifications: the list (newest first, paginated), marking them read, and
which kinds they receive. Everyone sees only their own."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from cpc.access.views import RoleRequiredMixin

from . import selectors, services
from .models import EmailFrequency, Kind, Notification

PAGE_SIZE = 30


class NotificationListView(RoleRequiredMixin, View):
    def get(self, request):
        rows = selectors.notifications_of(request.user)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        for notification in page.object_list:  # in the reader's language of today
            notification.shown_subject, notification.shown_body = notification.render()
        return render(request, "notifications/list.html", {
            "page_obj": page, "paginator": page.paginator, "notifications": page.object_list,
            "is_paginated": page.has_other_pages(),
            "unread": services.unread_count(request.user)})


class MarkAllReadView(RoleRequiredMixin, View):
    def post(self, request):
        changed = services.mark_read(user=request.user)
        messages.success(request, _("%(count)s marked as read.") % {"count": changed}
                         if changed else _("Nothing was unread."))
        return redirect("notifications:list")


class OpenNotificationView(RoleRequiredMixin, View):
    """POST: mark one notification read and go to what it is about."""

    def post(self, request, pk: int):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        services.mark_read(user=request.user, notification_ids=[notification.pk])
        link = notification.link
        if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
            return redirect(link)
        return redirect("notifications:list")


class PreferencesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        choices=Kind.choices, required=False, label=_("Tell me when"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))
    frequency = forms.ChoiceField(
        choices=EmailFrequency.choices, required=False,  # absent: left as it is
        label=_("Email me"), widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}))


class PreferencesView(RoleRequiredMixin, View):
    template_name = "notifications/preferences.html"

    def get(self, request):
        muted = selectors.muted_kinds(request.user)
        form = PreferencesForm(initial={"kinds": [k for k in Kind.values if k not in muted],
                                        "frequency": services.email_frequency(request.user)})
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = PreferencesForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        wanted = set(form.cleaned_data["kinds"])
        services.set_muted(user=request.user, kinds=set(Kind.values) - wanted)
        if form.cleaned_data["frequency"]:
            services.set_email_frequency(user=request.user,
                                         frequency=form.cleaned_data["frequency"])
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:preferences")
