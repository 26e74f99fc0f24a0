"""Dialogue pages: the record of a dialogue (also printable, in the partner's language), the
preparation pack, planning a new dialogue, holding or closing it from its page, reopening a
closed one and its documents. Writes go through dialogues.services; a rejected save writes
nothing and shows the errors beside the fields."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from compacts.selectors import compact_list
from cpc.access import scoping
from cpc.access.views import RoleRequiredMixin
from cpc.forms import apply_service_errors
from cpc.services import StateConflict
from cpc.storage import private_file_response

from .. import record_sections, selectors, services
from ..forms import HoldForm, NewDialogueForm, ReopenForm
from ..models import ActionItemStatus, Dialogue, DialogueStatus
from .common import writable_dialogue


class InPartnerLanguageMixin:
    """The page's document (the printable dialogue record, the preparation pack) in the
    language of the compact's partner government, so it prints ready to share; the header,
    navigation and messages around it stay in the reader's own language (base.html)."""

    def render_to_response(self, context, **response_kwargs):
        language = self.object.compact.language
        context["interface_language"] = translation.get_language()
        context["document_language"] = language
        with translation.override(language):
            response = super().render_to_response(context, **response_kwargs)
            response.render()
        return response


class DialogueDetailView(RoleRequiredMixin, DetailView):
    template_name = "dialogues/dialogue_detail.html"
    context_object_name = "dialogue"

    def get_queryset(self):
        return selectors.dialogue_detail(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_log"] = scoping.can_record_in(self.request.user,
                                                   self.object.compact.country_id)
        context["hold_form"] = HoldForm()
        context["targets_agreed"] = selectors.agreed_target_count(self.object)
        context["can_reopen"] = (self.object.status == DialogueStatus.CLOSED
                                 and scoping.is_tip_staff(self.request.user))
        context.setdefault("reopen_form", ReopenForm())
        # What the outcomes step saved as other apps' rows (record_sections), e.g. the
        # contributions reported at the dialogue: part of the record like its own rows.
        context["outcome_records"] = [
            {"rows": rows, "saved": rows.saved(self.object)}
            for rows in record_sections.registered()]
        return context


class DialoguePrintableView(InPartnerLanguageMixin, DialogueDetailView):
    """The dialogue record to print for the partner government: the record page in the
    compact's language, without the buttons that change it."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_log"] = False
        context["printable"] = True
        return context


class PreparationPackView(InPartnerLanguageMixin, DialogueDetailView):
    """Key indicators with their targets and approved actuals of the last two years and the
    latest approved actual, the dialogue's documents, open action items carried from last
    year, and the contribution and sustainability points to raise."""

    template_name = "dialogues/preparation_pack.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dialogue: Dialogue = self.object
        indicators = {i.pk: i for i in dialogue.compact.indicators.all()}
        rows = []
        for key in dialogue.key_indicators.all():
            indicator = indicators.get(key.pk, key)
            rows.append({"indicator": indicator,
                         "figures": services.indicator_figures(indicator, dialogue.fiscal_year),
                         "years": services.indicator_recent_years(indicator,
                                                                  dialogue.fiscal_year)})
        context["key_rows"] = rows
        context["key_rows_sample"] = any(r["indicator"].shows_sample_figures for r in rows)
        context["pack_years"] = [dialogue.fiscal_year - 1, dialogue.fiscal_year]
        context["attachments"] = dialogue.attachments.all()
        previous = selectors.previous_dialogue(dialogue)
        context["previous_dialogue"] = previous
        context["open_items"] = (
            previous.action_items.filter(status=ActionItemStatus.OPEN) if previous else []
        )
        return context


class DialogueCreateView(RoleRequiredMixin, View):
    template_name = "dialogues/dialogue_new.html"

    def _compact(self, request):
        compact = get_object_or_404(compact_list(user=request.user),
                                    pk=request.GET.get("compact") or 0)
        if not scoping.can_record_in(request.user, compact.country_id):
            raise PermissionDenied(_("Your role does not allow planning dialogues."))
        return compact

    def get(self, request):
        compact = self._compact(request)
        form = NewDialogueForm(indicators=compact.indicators.order_by("code"))
        return render(request, self.template_name, {"form": form, "compact": compact})

    def post(self, request):
        compact = self._compact(request)
        form = NewDialogueForm(request.POST, indicators=compact.indicators.order_by("code"))
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "key_indicators"}
            try:
                dialogue = services.dialogue_create(
                    user=request.user, compact=compact,
                    key_indicators=form.cleaned_data["key_indicators"], **data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Dialogue planned."))
                return redirect("dialogues:record-prepare", pk=dialogue.pk)
        return render(request, self.template_name, {"form": form, "compact": compact},
                      status=400)


class DialogueLogView(RoleRequiredMixin, View):
    """The former one-page log: the record is now kept step by step."""

    def get(self, request, pk):
        dialogue = writable_dialogue(request, pk)
        return redirect("dialogues:record-prepare", pk=dialogue.pk)


class DialogueReopenView(RoleRequiredMixin, View):
    """POST /dialogues/<id>/reopen/: TIP staff reopen a closed dialogue with a reason (kept
    in its history); it is held again and its steps open. Officers and auditors get 403."""

    def post(self, request, pk):
        dialogue = get_object_or_404(selectors.dialogue_detail(user=request.user), pk=pk)
        if not scoping.is_tip_staff(request.user):
            raise PermissionDenied(services.ERR_ONLY_STAFF_REOPEN)
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                services.dialogue_reopen(dialogue=dialogue, user=request.user,
                                         reason=form.cleaned_data["reason"])
            except StateConflict as conflict:
                messages.error(request, conflict.message)
                return redirect("dialogues:dialogue-detail", pk=pk)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Dialogue reopened: its record may change again."))
                return redirect("dialogues:dialogue-detail", pk=pk)
        view = DialogueDetailView(request=request, kwargs={"pk": pk}, object=dialogue)
        context = view.get_context_data(object=dialogue, reopen_form=form)
        return render(request, DialogueDetailView.template_name, context, status=400)


class AttachmentDownloadView(RoleRequiredMixin, View):
    """A dialogue's document, to whoever may see the dialogue (officers of its country,
    TIP staff, auditors)."""

    def get(self, request, pk):
        attachment = get_object_or_404(selectors.attachment_list(user=request.user), pk=pk)
        return private_file_response(attachment.file)


class DialogueMoveView(RoleRequiredMixin, View):
    """POST hold (with the date it was held) or close; conflicts are shown as messages.
    Closing is never one press: "close" leads to the close step, which shows how the checks
    will stand and asks to confirm (and for a reason when one would read not met)."""

    def post(self, request, pk, move):
        dialogue = writable_dialogue(request, pk)
        if move == "close":
            if dialogue.status != DialogueStatus.CLOSED:
                messages.info(request, _("Review how the checks will stand, then confirm "
                                         "closing the record."))
                return redirect("dialogues:record-close", pk=pk)
            messages.error(request, services.ERR_CLOSED)
            return redirect("dialogues:dialogue-detail", pk=pk)
        hold = HoldForm(request.POST)
        if not hold.is_valid():
            messages.error(request, _("Give the date the dialogue was held."))
            return redirect("dialogues:dialogue-detail", pk=pk)
        try:
            services.dialogue_move(user=request.user, dialogue=dialogue,
                                   status=DialogueStatus.HELD,
                                   held_on=hold.cleaned_data["held_on"])
        except StateConflict as conflict:
            messages.error(request, conflict.message)
        except ValidationError as error:
            # A date rule of the dialogue (held within its year and term, not before it was
            # scheduled or its key indicators identified and shared).
            apply_service_errors(hold, error)
            return render(request, DialogueDetailView.template_name, {
                "dialogue": dialogue, "can_log": True, "hold_form": hold,
            }, status=400)
        else:
            messages.success(request, _("Dialogue held."))
        return redirect("dialogues:dialogue-detail", pk=pk)
