"""Dialogue pages: the record of a dialogue, the stepper that prepares and logs it
(prepare, hold, log outcomes, close), its documents, and the printable preparation pack.
Writes go through dialogues.services; a rejected save writes nothing and shows the errors
beside the fields."""

import copy
import hashlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import BaseFormSet
from django.forms.formsets import TOTAL_FORM_COUNT
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from compacts import scoping
from compacts.selectors import compact_list
from compacts.views import RoleRequiredMixin
from compacts.year_locks import YearLocked
from cpc.services import StateConflict, lock
from cpc.storage import private_file_response
from cpc.versions import VERSION_FIELD, RecordChanged, record_version

from . import closing, proposals, record_sections, selectors, services
from .forms import (
    ActionItemFormSet,
    AttachmentForm,
    CloseForm,
    DecisionForm,
    DiscussionFormSet,
    HeldOnForm,
    HoldForm,
    NewDialogueForm,
    OutcomesForm,
    ParticipantFormSet,
    PrepareForm,
    ProposalFormSet,
    ReopenForm,
)
from .models import (
    OUTCOME_KINDS,
    PREPARATION_KINDS,
    ActionItemStatus,
    Dialogue,
    DialogueStatus,
    TargetProposalStatus,
)


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
        previous = (
            Dialogue.objects.filter(compact=dialogue.compact_id,
                                    fiscal_year__lt=dialogue.fiscal_year)
            .order_by("-fiscal_year").first()
        )
        context["previous_dialogue"] = previous
        context["open_items"] = (
            previous.action_items.filter(status=ActionItemStatus.OPEN) if previous else []
        )
        return context


def _writable_dialogue(request, pk) -> Dialogue:
    dialogue = get_object_or_404(selectors.dialogue_detail(user=request.user), pk=pk)
    if not scoping.can_record_in(request.user, dialogue.compact.country_id):
        raise PermissionDenied(_("Your role does not allow changing dialogues."))
    return dialogue


def _apply_service_errors(error: ValidationError, form) -> None:
    for field, messages_ in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)


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
                    compact=compact, key_indicators=form.cleaned_data["key_indicators"], **data)
            except ValidationError as error:
                _apply_service_errors(error, form)
            else:
                messages.success(request, _("Dialogue planned."))
                return redirect("dialogues:record-prepare", pk=dialogue.pk)
        return render(request, self.template_name, {"form": form, "compact": compact},
                      status=400)


class DialogueLogView(RoleRequiredMixin, View):
    """The former one-page log: the record is now kept step by step."""

    def get(self, request, pk):
        dialogue = _writable_dialogue(request, pk)
        return redirect("dialogues:record-prepare", pk=dialogue.pk)


STEPS = (
    ("prepare", gettext_lazy("Prepare")),
    ("hold", gettext_lazy("Hold")),
    ("outcomes", gettext_lazy("Log outcomes")),
    ("close", gettext_lazy("Close")),
)


def _step_done(dialogue: Dialogue, step: str) -> bool:
    return {
        "prepare": bool(dialogue.key_indicators_identified_on
                        and dialogue.key_indicators_shared_on),
        "hold": dialogue.status != DialogueStatus.PLANNED,
        "outcomes": bool(dialogue.summary.strip()),
        "close": dialogue.status == DialogueStatus.CLOSED,
    }[step]


def _step_version(dialogue: Dialogue, rows) -> str:
    """The version of what a step edits: the dialogue and the rows it lists for editing."""
    parts = [record_version(dialogue), *(f"{row.pk}:{record_version(row)}" for row in rows)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


class ShownOnRow(Exception):
    """A row was refused and its error put beside it: undo the step's whole save."""


def _rows_error(error: ValidationError | StateConflict, row_form, field=None) -> None:
    """A service's error on one row, shown beside that row's fields; the step is undone."""
    if isinstance(error, StateConflict):
        row_form.add_error(field, error.message)
    else:
        for name, messages_ in error.message_dict.items():
            target = name if name in row_form.fields else None
            for message in messages_:
                row_form.add_error(target, message)
    raise ShownOnRow from error


class RecordStepView(RoleRequiredMixin, View):
    """One step of the dialogue record. Each step is its own form, saved on its own and
    atomically; a step refuses to save over a change made since it was opened (409). Rows
    are added with "Add another" (a submit button: htmx swaps in the re-rendered rows, and
    without JavaScript the whole page comes back with one more blank row)."""

    template_name = "dialogues/record.html"
    step = "prepare"
    attachment_kinds: tuple = ()

    # What a step shows and saves; overridden per step.
    def build(self, dialogue, data=None) -> dict:
        return {}

    def edited_rows(self, dialogue) -> list:
        return []

    def save(self, request, dialogue, forms_) -> Dialogue:
        raise NotImplementedError

    # Shared machinery.
    def _formsets(self, forms_):
        return [f for f in forms_.values() if isinstance(f, BaseFormSet)]

    def _forms(self, forms_):
        return [f for f in forms_.values() if not isinstance(f, BaseFormSet)]

    @staticmethod
    def _bound(forms_) -> bool:
        return any(getattr(f, "is_bound", False) for f in forms_.values())

    def _context(self, request, dialogue, forms_, attachment_form=None):
        index = [name for name, _label in STEPS].index(self.step)
        steps = [{"name": name, "label": label, "number": n + 1,
                  "url": reverse(f"dialogues:record-{name}", args=[dialogue.pk]),
                  "current": name == self.step, "done": _step_done(dialogue, name)}
                 for n, (name, label) in enumerate(STEPS)]
        context = {
            "dialogue": dialogue, "step": self.step, "steps": steps,
            "current": steps[index], "previous": steps[index - 1] if index else None,
            "next": steps[index + 1] if index + 1 < len(steps) else None,
            # Bound forms carry the version the person opened; fresh ones show today's.
            "version": (request.POST.get(VERSION_FIELD) if self._bound(forms_) else None)
            or _step_version(dialogue, self.edited_rows(dialogue)),
            **forms_,
            # Every form and formset of the step, for the error summary at the top.
            "step_forms": list(forms_.values()),
        }
        if self.attachment_kinds:
            context["attachment_form"] = attachment_form or AttachmentForm(
                kinds=self.attachment_kinds, prefix="attach")
            context["attachments"] = [a for a in dialogue.attachments.all()
                                      if a.kind in self.attachment_kinds]
        return context

    def _render(self, request, dialogue, forms_, status=200, attachment_form=None):
        return render(request, self.template_name,
                      self._context(request, dialogue, forms_, attachment_form), status=status)

    def get(self, request, pk):
        dialogue = _writable_dialogue(request, pk)
        if dialogue.status == DialogueStatus.CLOSED:
            messages.info(request, services.ERR_CLOSED)
            return redirect("dialogues:dialogue-detail", pk=dialogue.pk)
        return self._render(request, dialogue, self.build(dialogue))

    def post(self, request, pk):
        dialogue = _writable_dialogue(request, pk)
        if "attach" in request.POST:
            return self._attach(request, dialogue)
        if added := request.POST.get("add"):
            return self._add_row(request, dialogue, added)
        forms_ = self.build(dialogue, request.POST)
        valid = [f.is_valid() for f in forms_.values()]  # each, so every error shows
        if all(valid):
            try:
                with transaction.atomic():
                    current = lock(dialogue)
                    posted = request.POST.get(VERSION_FIELD)
                    if posted and posted != _step_version(current, self.edited_rows(current)):
                        raise RecordChanged()
                    self.save(request, dialogue, forms_)
            except RecordChanged as changed:
                # Show what is saved now, never the stale copy the user edited.
                messages.error(request, changed.message)
                fresh = _writable_dialogue(request, pk)
                return self._render(request, fresh, self.build(fresh), status=409)
            except ShownOnRow:
                pass  # the row's error is beside it; nothing was saved
            except StateConflict as conflict:
                self._forms(forms_)[0].add_error(None, conflict.message)
            except ValidationError as error:
                _apply_service_errors(error, self._forms(forms_)[0])
            else:
                messages.success(request, _("%(step)s: saved.") % {"step": dict(STEPS)[self.step]})
                return redirect(self.success_url(dialogue))
        return self._render(request, dialogue, forms_, status=400)

    def success_url(self, dialogue):
        names = [name for name, _label in STEPS]
        following = names[min(names.index(self.step) + 1, len(names) - 1)]
        return reverse(f"dialogues:record-{following}", args=[dialogue.pk])

    def _add_row(self, request, dialogue, prefix):
        """Re-render the step with one more blank row in formset ``prefix`` (nothing is
        saved). Also the answer to htmx, which swaps in just those rows."""
        data = request.POST.copy()
        forms_ = self.build(dialogue, data)
        formset = next((f for f in self._formsets(forms_) if f.prefix == prefix), None)
        if formset is None:
            return HttpResponseBadRequest("No such rows.")
        total = f"{prefix}-{TOTAL_FORM_COUNT}"
        try:
            data[total] = str(min(int(data.get(total, 0)) + 1, formset.absolute_max))
        except ValueError:
            return HttpResponseBadRequest("Bad row count.")
        forms_ = self.build(dialogue, data)
        added = next(f for f in self._formsets(forms_) if f.prefix == prefix).forms[-1]
        first = next((b for b in added.visible_fields() if b.name != "DELETE"), None)
        if first is not None:
            first.field.widget.attrs["autofocus"] = True
        return self._render(request, dialogue, forms_)

    def _attach(self, request, dialogue):
        form = AttachmentForm(request.POST, request.FILES, kinds=self.attachment_kinds,
                              prefix="attach")
        if form.is_valid():
            try:
                services.attachment_add(dialogue=dialogue, user=request.user,
                                        **form.cleaned_data)
            except StateConflict as conflict:
                form.add_error(None, conflict.message)
            except ValidationError as error:
                _apply_service_errors(error, form)
            else:
                messages.success(request, _("Document attached."))
                return redirect(reverse(f"dialogues:record-{self.step}", args=[dialogue.pk])
                                + "#attachments")
        return self._render(request, dialogue, self.build(dialogue), status=400,
                            attachment_form=form)


class PrepareStepView(RecordStepView):
    """Step 1: the date, the key indicators (stamped when first identified), when and how
    they were shared with the partner, and the agenda and questions sent ahead."""

    step = "prepare"
    attachment_kinds = PREPARATION_KINDS

    def build(self, dialogue, data=None):
        # The form works on a copy: a rejected save must not change what the page shows.
        return {"form": PrepareForm(data, instance=copy.copy(dialogue),
                                    indicators=dialogue.compact.indicators.order_by("code"))}

    def save(self, request, dialogue, forms_):
        form = forms_["form"]
        data = {k: v for k, v in form.cleaned_data.items() if k != "key_indicators"}
        services.dialogue_update(dialogue=dialogue, data=data,
                                 key_indicators=form.cleaned_data["key_indicators"])


class HoldStepView(RecordStepView):
    """Step 2: who took part, and the date it was held (which marks it held)."""

    step = "hold"

    def edited_rows(self, dialogue):
        return list(selectors.participant_list(dialogue=dialogue))

    def build(self, dialogue, data=None):
        return {
            "form": HeldOnForm(data, initial={"held_on": dialogue.held_on}),
            "participants": ParticipantFormSet(
                data, instance=dialogue, prefix="participants",
                queryset=selectors.participant_list(dialogue=dialogue)),
        }

    def save(self, request, dialogue, forms_):
        participants = forms_["participants"]
        for row in participants.deleted_forms:
            if row.instance.pk:
                services.participant_remove(participant=row.instance)
        for row in participants.rows_to_save():
            fields = {k: row.cleaned_data.get(k) for k in ("name", "organization", "side")}
            try:
                if row.instance.pk:
                    services.participant_update(participant=row.instance, data=fields)
                else:
                    services.participant_add(dialogue=dialogue, **fields)
            except ValidationError as error:
                _rows_error(error, row)
        held_on = forms_["form"].cleaned_data.get("held_on")
        try:
            if held_on and dialogue.status == DialogueStatus.PLANNED:
                services.dialogue_move(dialogue=dialogue, status=DialogueStatus.HELD,
                                       held_on=held_on)
            elif held_on and held_on != dialogue.held_on:
                services.dialogue_update(dialogue=dialogue, data={"held_on": held_on})
        except StateConflict as conflict:
            # A date in the future: shown beside the date rather than above the page.
            raise ValidationError({"held_on": conflict.message}) from conflict


class OutcomesStepView(RecordStepView):
    """Step 3: the indicator data discussed, targets proposed, contributions and
    sustainability, action items, the summary, and the summary or minutes as documents."""

    step = "outcomes"
    attachment_kinds = OUTCOME_KINDS

    def edited_rows(self, dialogue):
        return list(selectors.action_item_list(dialogue=dialogue))

    def build(self, dialogue, data=None):
        indicators = dialogue.compact.indicators.order_by("code")
        return {
            "form": OutcomesForm(data, instance=copy.copy(dialogue)),
            "discussions": DiscussionFormSet(data, prefix="discussions",
                                             form_kwargs={"indicators": indicators}),
            "proposals": ProposalFormSet(
                data, prefix="proposals",
                form_kwargs={"indicators": indicators, "year": dialogue.fiscal_year}),
            "action_items": ActionItemFormSet(
                data, instance=dialogue, prefix="items",
                queryset=selectors.action_item_list(dialogue=dialogue)),
            # Rows kept by apps above this one (record_sections), e.g. contributions.
            **{f"rows_{rows.prefix}": rows.build(dialogue, data)
               for rows in record_sections.registered()},
        }

    def _context(self, request, dialogue, forms_, attachment_form=None):
        context = super()._context(request, dialogue, forms_, attachment_form)
        context["outcome_rows"] = [
            {"rows": rows, "formset": forms_[f"rows_{rows.prefix}"],
             "saved": rows.saved(dialogue)} for rows in record_sections.registered()]
        return context

    def save(self, request, dialogue, forms_):
        form = forms_["form"]
        dialogue = services.dialogue_update(dialogue=dialogue, data=form.cleaned_data)
        for row in forms_["discussions"].rows_to_save():
            try:
                services.discussion_record(dialogue=dialogue, user=request.user,
                                           indicator=row.cleaned_data["indicator"],
                                           notes=row.cleaned_data["notes"])
            except ValidationError as error:
                _rows_error(error, row)
            except YearLocked as locked:
                _rows_error(locked, row)
        for row in forms_["proposals"].rows_to_save():
            try:
                # A proposal: the target itself changes once TIP staff accept it.
                proposals.target_propose(user=request.user, dialogue=dialogue,
                                         indicator=row.cleaned_data["indicator"],
                                         value=row.cleaned_data["value"],
                                         fiscal_year=row.cleaned_data["fiscal_year"])
            except ValidationError as error:
                _rows_error(error, row)
            except StateConflict as conflict:
                _rows_error(conflict, row, "value")
        for row in forms_["action_items"].rows_to_save():
            fields = {k: row.cleaned_data.get(k)
                      for k in ("description", "owner", "due_on", "status")}
            try:
                if row.instance.pk:
                    services.action_item_update(item=row.instance, data=fields)
                else:
                    services.action_item_add(dialogue=dialogue, **fields)
            except ValidationError as error:
                _rows_error(error, row)
        for rows in record_sections.registered():
            for row in forms_[f"rows_{rows.prefix}"].rows_to_save():
                try:
                    rows.save_row(request, dialogue, row)
                except ValidationError as error:
                    _rows_error(error, row)


class CloseStepView(RecordStepView):
    """Step 4: what the record still lacks, how the six checks of the compact's year will
    stand once it is closed, and closing it (held, with a summary) in two steps without
    JavaScript: the form (with a reason, needed when a check would read not met) is
    reviewed first, nothing written; the confirmation then closes it."""

    step = "close"

    def build(self, dialogue, data=None):
        return {"form": CloseForm(data)}

    def _context(self, request, dialogue, forms_, attachment_form=None):
        context = super()._context(request, dialogue, forms_, attachment_form)
        context["gaps"] = selectors.record_gaps(dialogue)
        checks = closing.checks_once_closed(dialogue)
        context["checks"] = checks
        context["checks_not_met"] = closing.not_met(checks)
        return context

    def post(self, request, pk):
        if request.POST.get("confirm") or "attach" in request.POST or "add" in request.POST:
            return super().post(request, pk)
        dialogue = _writable_dialogue(request, pk)
        if "edit" in request.POST:  # back from the confirmation, with the reason typed
            form = CloseForm(initial={"reason": request.POST.get("reason", "")})
            return self._render(request, dialogue, {"form": form})
        forms_ = self.build(dialogue, request.POST)
        form = forms_["form"]
        if form.is_valid():
            posted = request.POST.get(VERSION_FIELD)
            if posted and posted != _step_version(dialogue, self.edited_rows(dialogue)):
                changed = RecordChanged()
                messages.error(request, changed.message)
                return self._render(request, dialogue, self.build(dialogue), status=409)
            try:
                services.close_reason(dialogue, form.cleaned_data["reason"])
            except StateConflict as conflict:
                form.add_error(None, conflict.message)
            except ValidationError as error:
                _apply_service_errors(error, form)
            else:
                context = self._context(request, dialogue, forms_)
                context["confirming"] = True
                return render(request, self.template_name, context)
        return self._render(request, dialogue, forms_, status=400)

    def save(self, request, dialogue, forms_):
        services.dialogue_move(dialogue=dialogue, status=DialogueStatus.CLOSED,
                               reason=forms_["form"].cleaned_data["reason"])

    def success_url(self, dialogue):
        return reverse("dialogues:dialogue-detail", args=[dialogue.pk])


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
                _apply_service_errors(error, form)
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
        dialogue = _writable_dialogue(request, pk)
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
            services.dialogue_move(dialogue=dialogue, status=DialogueStatus.HELD,
                                   held_on=hold.cleaned_data["held_on"])
        except StateConflict as conflict:
            messages.error(request, conflict.message)
        except ValidationError as error:
            # A date rule of the dialogue (held within its year and term, not before it was
            # scheduled or its key indicators identified and shared).
            _apply_service_errors(error, hold)
            return render(request, DialogueDetailView.template_name, {
                "dialogue": dialogue, "can_log": True, "hold_form": hold,
            }, status=400)
        else:
            messages.success(request, _("Dialogue held."))
        return redirect("dialogues:dialogue-detail", pk=pk)


class TargetProposalListView(RoleRequiredMixin, View):
    """GET /dialogues/compact/<id>/target-proposals/: the targets proposed at the compact's
    dialogues, pending ones first; TIP staff accept or reject them here."""

    template_name = "dialogues/target_proposals.html"

    def get(self, request, compact_id: int):
        compact, found = selectors.compact_target_proposals(user=request.user,
                                                            compact_id=compact_id)
        pending = [p for p in found if p.status == TargetProposalStatus.PENDING]
        return render(request, self.template_name, {
            "compact": compact,
            "pending": pending,
            "decided": [p for p in found if p.status != TargetProposalStatus.PENDING],
            "can_decide": scoping.is_tip_staff(request.user),
        })


class TargetProposalDecisionView(RoleRequiredMixin, View):
    """POST /dialogues/target-proposals/<id>/accept/ or .../reject/ (TIP staff). Conflicts
    (decided already, or the target changed since) and a missing note come back as
    messages."""

    def post(self, request, pk: int, decision: str):
        proposal = get_object_or_404(selectors.target_proposal_list(user=request.user), pk=pk)
        if not scoping.is_tip_staff(request.user):
            raise PermissionDenied(proposals.ERR_ONLY_STAFF_DECIDE)
        form = DecisionForm(request.POST)
        note = form.cleaned_data["decision_note"] if form.is_valid() else ""
        decide = (proposals.target_proposal_accept if decision == "accept"
                  else proposals.target_proposal_reject)
        label = _("%(code)s FY%(fiscal_year)s") % {"code": proposal.indicator.code,
                                                   "fiscal_year": proposal.fiscal_year}
        try:
            decide(user=request.user, proposal=proposal, decision_note=note)
        except StateConflict as conflict:
            messages.error(request, _("%(label)s: %(problem)s") % {
                "label": label, "problem": conflict.message})
        except ValidationError as error:
            messages.error(request, _("%(label)s: %(problem)s") % {
                "label": label, "problem": " ".join(error.messages)})
        else:
            messages.success(request, (
                _("%(label)s proposal accepted: the target is updated.") if decision == "accept"
                else _("%(label)s proposal rejected.")) % {"label": label})
        return redirect("dialogues:target-proposals",
                        compact_id=proposal.dialogue.compact_id)
