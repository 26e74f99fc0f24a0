"""The compact's document page (every role that sees the compact), its edit page and the
pledges pages (TIP Office staff), and the signed document's download."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from cpc.access import scoping
from cpc.access.views import RoleRequiredMixin
from cpc.forms import apply_service_errors
from cpc.storage import private_file_response
from cpc.versions import VERSION_FIELD, RecordChanged, add_version

from .. import selectors as compact_selectors
from . import selectors, services
from .completeness import compact_document_of, document_completeness
from .forms import CompactDocumentForm, PledgeForm


def document_url(compact) -> str:
    return reverse("compacts:document", args=[compact.pk])


def pledges_url(compact) -> str:
    return reverse("compacts:pledges", args=[compact.pk])


class CompactPageMixin(RoleRequiredMixin):
    """Loads ``self.compact`` from the user's visible compacts (404 outside scope); the
    writing pages ask for TIP Office staff (403 otherwise)."""

    staff_only = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.user_roles(request.user):
            self.compact = get_object_or_404(
                compact_selectors.compact_list(user=request.user), pk=kwargs["pk"])
            if self.staff_only and not scoping.is_tip_staff(request.user):
                raise PermissionDenied(services.ERR_DOCUMENT_STAFF_ONLY)
        return super().dispatch(request, *args, **kwargs)


class DocumentView(CompactPageMixin, View):
    """The compact's document: each element, the signed file, the pledges and what is
    missing."""

    def get(self, request, pk):
        compact = self.compact
        return render(request, "compacts/document_detail.html", {
            "compact": compact, "document": compact_document_of(compact),
            "completeness": document_completeness(compact),
            "pledges": list(selectors.pledge_list(user=request.user).filter(compact=compact)),
            "can_edit": scoping.is_tip_staff(request.user)})


class DocumentEditView(CompactPageMixin, View):
    staff_only = True
    template_name = "compacts/document_edit.html"

    def _render(self, form, status=200):
        return render(self.request, self.template_name,
                      {"compact": self.compact, "form": form}, status=status)

    def _form(self, *args):
        document = compact_document_of(self.compact)
        form = CompactDocumentForm(*args, instance=document)
        if document is not None:
            add_version(form, document)
        return form

    def get(self, request, pk):
        return self._render(self._form())

    def post(self, request, pk):
        form = self._form(request.POST, request.FILES)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD}
            if not data.get("signed_document"):
                data.pop("signed_document", None)  # keep the file already attached
            try:
                services.compact_document_save(user=request.user, compact=self.compact,
                                               data=data,
                                               version=form.cleaned_data.get(VERSION_FIELD))
            except RecordChanged as changed:
                messages.error(request, changed.message)
                return self._render(self._form(), status=409)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The compact's document was saved."))
                return redirect(document_url(self.compact))
        return self._render(form, status=400)


class DocumentFileView(CompactPageMixin, View):
    """The signed document, to whoever may see the compact."""

    def get(self, request, pk):
        document = get_object_or_404(selectors.document_list(user=request.user),
                                     compact=self.compact)
        return private_file_response(document.signed_document)


class PledgesView(CompactPageMixin, View):
    """The partner government's pledges; staff add one here."""

    staff_only = True
    template_name = "compacts/pledges.html"

    def _form(self, *args):
        return PledgeForm(*args, fiscal_years=self.compact.fiscal_years())

    def _render(self, form, status=200):
        pledges = selectors.pledge_list(user=self.request.user).filter(compact=self.compact)
        return render(self.request, self.template_name,
                      {"compact": self.compact, "pledges": pledges, "form": form},
                      status=status)

    def get(self, request, pk):
        return self._render(self._form())

    def post(self, request, pk):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                services.pledge_create(user=request.user, compact=self.compact,
                                       **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Pledge recorded."))
                return redirect(pledges_url(self.compact))
        return self._render(form, status=400)


class PledgeEditView(RoleRequiredMixin, View):
    """A pledge's edit page, by the pledge's id (its compact follows from it)."""

    template_name = "compacts/pledge_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.user_roles(request.user):
            self.pledge = get_object_or_404(selectors.pledge_list(user=request.user),
                                            pk=kwargs["pk"])
            self.compact = get_object_or_404(
                compact_selectors.compact_list(user=request.user), pk=self.pledge.compact_id)
            if not scoping.is_tip_staff(request.user):
                raise PermissionDenied(services.ERR_DOCUMENT_STAFF_ONLY)
        return super().dispatch(request, *args, **kwargs)

    def _form(self, pledge, *args):
        form = PledgeForm(*args, instance=pledge, fiscal_years=self.compact.fiscal_years())
        add_version(form, pledge)
        return form

    def _render(self, form, status=200):
        return render(self.request, self.template_name,
                      {"compact": self.compact, "form": form}, status=status)

    def get(self, request, pk):
        return self._render(self._form(self.pledge))

    def post(self, request, pk):
        form = self._form(self.pledge, request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD}
            try:
                services.pledge_update(user=request.user, pledge=self.pledge, data=data,
                                       version=form.cleaned_data.get(VERSION_FIELD))
            except RecordChanged as changed:
                messages.error(request, changed.message)
                fresh = get_object_or_404(selectors.pledge_list(user=request.user), pk=pk)
                return self._render(self._form(fresh), status=409)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Pledge saved."))
                return redirect(pledges_url(self.compact))
        return self._render(form, status=400)
