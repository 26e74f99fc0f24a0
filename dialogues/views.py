"""Dialogue pages: the record of a dialogue, the page that prepares and logs it, and the
printable preparation pack. Writes go through dialogues.services; a rejected save writes
nothing and shows the errors beside the fields."""

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import DetailView

from compacts import scoping
from compacts.selectors import compact_list
from compacts.views import RoleRequiredMixin
from cpc.services import StateConflict
from cpc.versions import VERSION_FIELD, RecordChanged, add_version, check_version

from . import proposals, selectors, services
from .forms import (
    ActionItemFormSet,
    DecisionForm,
    DialogueForm,
    HoldForm,
    IndicatorLogForm,
    NewDialogueForm,
    ParticipantFormSet,
)
from .models import ActionItemStatus, Dialogue, DialogueStatus, TargetProposalStatus


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
        return context


class PreparationPackView(DialogueDetailView):
    """Key indicators with their latest target and actual, open action items carried from
    last year, and the contribution and sustainability points to raise."""

    template_name = "dialogues/preparation_pack.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dialogue: Dialogue = self.object
        indicators = {i.pk: i for i in dialogue.compact.indicators.all()}
        rows = []
        for key in dialogue.key_indicators.all():
            indicator = indicators.get(key.pk, key)
            rows.append({"indicator": indicator,
                         "figures": services.indicator_figures(indicator, dialogue.fiscal_year)})
        context["key_rows"] = rows
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
        raise PermissionDenied("Your role does not allow changing dialogues.")
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
            raise PermissionDenied("Your role does not allow planning dialogues.")
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
                messages.success(request, "Dialogue planned.")
                return redirect("dialogues:dialogue-log", pk=dialogue.pk)
        return render(request, self.template_name, {"form": form, "compact": compact},
                      status=400)


class DialogueLogView(RoleRequiredMixin, View):
    """Prepare and log a whole dialogue from one page."""

    template_name = "dialogues/dialogue_log.html"

    def _forms(self, dialogue, data=None):
        indicators = list(dialogue.compact.indicators.all())
        # The form works on a copy: a rejected save must not change what the page shows.
        form = add_version(DialogueForm(data, instance=copy.copy(dialogue),
                                        indicators=dialogue.compact.indicators.order_by("code")),
                           dialogue)
        participants = ParticipantFormSet(data, instance=dialogue, prefix="participants")
        action_items = ActionItemFormSet(data, instance=dialogue, prefix="items")
        indicator_forms = [
            (indicator, IndicatorLogForm(data, prefix=f"ind-{indicator.pk}",
                                         initial={"target_year": dialogue.fiscal_year}))
            for indicator in indicators
        ]
        return form, participants, action_items, indicator_forms

    def _render(self, request, dialogue, forms_, status=200):
        form, participants, action_items, indicator_forms = forms_
        return render(request, self.template_name, {
            "dialogue": dialogue, "form": form, "participants": participants,
            "action_items": action_items, "indicator_forms": indicator_forms,
            "hold_form": HoldForm(),
        }, status=status)

    def get(self, request, pk):
        dialogue = _writable_dialogue(request, pk)
        if dialogue.status == DialogueStatus.CLOSED:
            raise Http404("A closed dialogue can no longer be logged.")
        return self._render(request, dialogue, self._forms(dialogue))

    def post(self, request, pk):
        dialogue = _writable_dialogue(request, pk)
        forms_ = self._forms(dialogue, request.POST)
        form, participants, action_items, indicator_forms = forms_
        valid = all([form.is_valid(), participants.is_valid(), action_items.is_valid(),
                     *[f.is_valid() for _, f in indicator_forms]])
        if valid:
            try:
                with transaction.atomic():
                    check_version(dialogue, request.POST.get(VERSION_FIELD))
                    self._save(request, dialogue, forms_)
            except RecordChanged as changed:
                # Show what is saved now, never the stale copy the user edited.
                messages.error(request, changed.message)
                fresh = _writable_dialogue(request, pk)
                return self._render(request, fresh, self._forms(fresh), status=409)
            except StateConflict as conflict:
                form.add_error(None, conflict.message)
            except ValidationError as error:
                _apply_service_errors(error, form)
            else:
                messages.success(request, "Dialogue saved.")
                return redirect("dialogues:dialogue-detail", pk=dialogue.pk)
        return self._render(request, dialogue, forms_, status=400)

    def _save(self, request, dialogue, forms_):
        form, participants, action_items, indicator_forms = forms_
        data = {k: v for k, v in form.cleaned_data.items() if k != "key_indicators"}
        dialogue = services.dialogue_update(dialogue=dialogue, data=data,
                                            key_indicators=form.cleaned_data["key_indicators"])
        for participant_form in participants.forms:
            if participant_form.has_changed():
                fields = {k: participant_form.cleaned_data.get(k)
                          for k in ("name", "organization", "side")}
                if participant_form.instance.pk:
                    services.participant_update(participant=participant_form.instance,
                                                data=fields)
                else:
                    services.participant_add(dialogue=dialogue, **fields)
        for item_form in action_items.forms:
            if item_form.has_changed():
                fields = {k: item_form.cleaned_data.get(k)
                          for k in ("description", "owner", "due_on", "status")}
                if item_form.instance.pk:
                    services.action_item_update(item=item_form.instance, data=fields)
                else:
                    services.action_item_add(dialogue=dialogue, **fields)
        for indicator, indicator_form in indicator_forms:
            notes = indicator_form.cleaned_data.get("notes", "").strip()
            if notes:
                try:
                    services.discussion_record(dialogue=dialogue, indicator=indicator,
                                               notes=notes, user=request.user)
                except ValidationError as error:
                    # Show the discussion's error beside that indicator's row.
                    for messages_ in error.message_dict.values():
                        for message in messages_:
                            indicator_form.add_error("notes", message)
                    raise
            value = indicator_form.cleaned_data.get("target_value")
            if value is not None:
                # A proposal: the target itself changes once TIP staff accept it.
                try:
                    proposals.target_propose(
                        user=request.user, dialogue=dialogue, indicator=indicator, value=value,
                        fiscal_year=indicator_form.cleaned_data.get("target_year"))
                except ValidationError as error:
                    # Show the proposal's error beside that indicator's row.
                    for messages_ in error.message_dict.values():
                        for message in messages_:
                            indicator_form.add_error("target_value", message)
                    raise
                except StateConflict as conflict:
                    indicator_form.add_error("target_value", conflict.message)
                    raise


class DialogueMoveView(RoleRequiredMixin, View):
    """POST hold (with the date it was held) or close; conflicts are shown as messages."""

    def post(self, request, pk, move):
        dialogue = _writable_dialogue(request, pk)
        held_on = None
        if move == "hold":
            hold = HoldForm(request.POST)
            if not hold.is_valid():
                messages.error(request, "Give the date the dialogue was held.")
                return redirect("dialogues:dialogue-detail", pk=pk)
            held_on = hold.cleaned_data["held_on"]
        status = DialogueStatus.HELD if move == "hold" else DialogueStatus.CLOSED
        try:
            services.dialogue_move(dialogue=dialogue, status=status, held_on=held_on)
        except StateConflict as conflict:
            messages.error(request, conflict.message)
        except ValidationError as error:
            # A date rule of the dialogue (held within its year and term, not before it was
            # scheduled or its key indicators identified and shared).
            if move != "hold":
                for message in error.messages:
                    messages.error(request, message)
                return redirect("dialogues:dialogue-detail", pk=pk)
            hold = HoldForm(request.POST)
            hold.is_valid()
            _apply_service_errors(error, hold)
            return render(request, DialogueDetailView.template_name, {
                "dialogue": dialogue, "can_log": True, "hold_form": hold,
            }, status=400)
        else:
            messages.success(request, f"Dialogue {status}.")
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
        label = f"{proposal.indicator.code} FY{proposal.fiscal_year}"
        try:
            decide(user=request.user, proposal=proposal, decision_note=note)
        except StateConflict as conflict:
            messages.error(request, f"{label}: {conflict.message}")
        except ValidationError as error:
            messages.error(request, f"{label}: {' '.join(error.messages)}")
        else:
            done = "accepted: the target is updated" if decision == "accept" else "rejected"
            messages.success(request, f"{label} proposal {done}.")
        return redirect("dialogues:target-proposals",
                        compact_id=proposal.dialogue.compact_id)
