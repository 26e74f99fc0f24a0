"""The stepper that keeps a dialogue's record: prepare, hold, log outcomes, close. Each step
is its own form; the page validates it, hands it to the step's service
(``dialogues.services.steps``: authorization, transaction, lock and version) and renders. A
rejected save writes nothing and shows the errors beside the fields or rows."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet
from django.forms.formsets import TOTAL_FORM_COUNT
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cpc.access.views import RoleRequiredMixin
from cpc.forms import apply_service_errors
from cpc.services import StateConflict
from cpc.versions import VERSION_FIELD, RecordChanged

from .. import closing, record_sections, selectors, services
from ..forms import (
    ActionItemFormSet,
    AttachmentForm,
    CloseForm,
    DiscussionFormSet,
    HeldOnForm,
    OutcomesForm,
    ParticipantFormSet,
    PrepareForm,
    ProposalFormSet,
)
from ..models import OUTCOME_KINDS, PREPARATION_KINDS, Dialogue, DialogueStatus
from .common import writable_dialogue

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


def _show_on_row(refused: services.RowRefused, row_form) -> None:
    """A service's error on one row, shown beside that row's fields."""
    error = refused.error
    if isinstance(error, StateConflict):
        row_form.add_error(refused.field, error.message)
        return
    for name, messages_ in error.message_dict.items():
        target = name if name in row_form.fields else None
        for message in messages_:
            row_form.add_error(target, message)


def _edited_row(form, fields) -> services.Row:
    """A row of an inline formset as the step's service takes it."""
    instance = form.instance if form.instance.pk else None
    return services.Row(fields={k: form.cleaned_data.get(k) for k in fields}, instance=instance)


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

    def save(self, request, dialogue, forms_, version, row_forms) -> Dialogue:
        """Call the step's service; ``row_forms`` gets, by list name, the forms of the rows
        handed to it, in order, so that a refused row's error goes beside it."""
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
            or services.step_version(dialogue=dialogue, step=self.step),
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

    def _changed(self, request, pk, changed: RecordChanged):
        # Show what is saved now, never the stale copy the user edited.
        messages.error(request, changed.message)
        fresh = writable_dialogue(request, pk)
        return self._render(request, fresh, self.build(fresh), status=409)

    def get(self, request, pk):
        dialogue = writable_dialogue(request, pk)
        if dialogue.status == DialogueStatus.CLOSED:
            messages.info(request, services.ERR_CLOSED)
            return redirect("dialogues:dialogue-detail", pk=dialogue.pk)
        return self._render(request, dialogue, self.build(dialogue))

    def post(self, request, pk):
        dialogue = writable_dialogue(request, pk)
        if "attach" in request.POST:
            return self._attach(request, dialogue)
        if added := request.POST.get("add"):
            return self._add_row(request, dialogue, added)
        forms_ = self.build(dialogue, request.POST)
        valid = [f.is_valid() for f in forms_.values()]  # each, so every error shows
        if all(valid):
            row_forms: dict[str, list] = {}
            try:
                self.save(request, dialogue, forms_, request.POST.get(VERSION_FIELD),
                          row_forms)
            except RecordChanged as changed:
                return self._changed(request, pk, changed)
            except services.RowRefused as refused:
                _show_on_row(refused, row_forms[refused.rows][refused.index])
            except StateConflict as conflict:
                self._forms(forms_)[0].add_error(None, conflict.message)
            except ValidationError as error:
                apply_service_errors(self._forms(forms_)[0], error)
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
                apply_service_errors(form, error)
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

    def save(self, request, dialogue, forms_, version, row_forms):
        form = forms_["form"]
        data = {k: v for k, v in form.cleaned_data.items() if k != "key_indicators"}
        return services.record_preparation(
            user=request.user, dialogue=dialogue, version=version, data=data,
            key_indicators=form.cleaned_data["key_indicators"])


class HoldStepView(RecordStepView):
    """Step 2: who took part, and the date it was held (which marks it held)."""

    step = "hold"

    def build(self, dialogue, data=None):
        return {
            "form": HeldOnForm(data, initial={"held_on": dialogue.held_on}),
            "participants": ParticipantFormSet(
                data, instance=dialogue, prefix="participants",
                queryset=selectors.participant_list(dialogue=dialogue)),
        }

    def save(self, request, dialogue, forms_, version, row_forms):
        participants = forms_["participants"]
        removed = [row for row in participants.deleted_forms if row.instance.pk]
        kept = participants.rows_to_save()
        row_forms["participants"] = [*removed, *kept]
        rows = [*(services.Row(instance=row.instance, remove=True) for row in removed),
                *(_edited_row(row, ("name", "organization", "side")) for row in kept)]
        return services.record_holding(
            user=request.user, dialogue=dialogue, version=version,
            held_on=forms_["form"].cleaned_data.get("held_on"), participants=rows)


class OutcomesStepView(RecordStepView):
    """Step 3: the indicator data discussed, targets proposed, contributions and
    sustainability, action items, the summary, and the summary or minutes as documents."""

    step = "outcomes"
    attachment_kinds = OUTCOME_KINDS

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

    def save(self, request, dialogue, forms_, version, row_forms):
        for name in ("discussions", "proposals", "action_items",
                     *(f"rows_{rows.prefix}" for rows in record_sections.registered())):
            row_forms[name] = forms_[name].rows_to_save()
        return services.record_outcomes(
            user=request.user, dialogue=dialogue, version=version,
            data=forms_["form"].cleaned_data,
            discussions=[row.cleaned_data for row in row_forms["discussions"]],
            proposals=[row.cleaned_data for row in row_forms["proposals"]],
            action_items=[_edited_row(row, ("description", "owner", "due_on", "status"))
                          for row in row_forms["action_items"]],
            sections={rows.prefix: [row.cleaned_data
                                    for row in row_forms[f"rows_{rows.prefix}"]]
                      for rows in record_sections.registered()})


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
        dialogue = writable_dialogue(request, pk)
        if "edit" in request.POST:  # back from the confirmation, with the reason typed
            form = CloseForm(initial={"reason": request.POST.get("reason", "")})
            return self._render(request, dialogue, {"form": form})
        forms_ = self.build(dialogue, request.POST)
        form = forms_["form"]
        if form.is_valid():
            try:
                services.review_closing(user=request.user, dialogue=dialogue,
                                        version=request.POST.get(VERSION_FIELD),
                                        reason=form.cleaned_data["reason"])
            except RecordChanged as changed:
                messages.error(request, changed.message)
                return self._render(request, dialogue, self.build(dialogue), status=409)
            except StateConflict as conflict:
                form.add_error(None, conflict.message)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                context = self._context(request, dialogue, forms_)
                context["confirming"] = True
                return render(request, self.template_name, context)
        return self._render(request, dialogue, forms_, status=400)

    def save(self, request, dialogue, forms_, version, row_forms):
        return services.record_closing(user=request.user, dialogue=dialogue, version=version,
                                       reason=forms_["form"].cleaned_data["reason"])

    def success_url(self, dialogue):
        return reverse("dialogues:dialogue-detail", args=[dialogue.pk])
