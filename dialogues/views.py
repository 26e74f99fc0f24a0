"""Dialogue pages: the record of a dialogue and its printable preparation pack."""

from django.views.generic import DetailView

from compacts.views import RoleRequiredMixin

from . import selectors, services
from .models import ActionItemStatus, Dialogue


class DialogueDetailView(RoleRequiredMixin, DetailView):
    template_name = "dialogues/dialogue_detail.html"
    context_object_name = "dialogue"

    def get_queryset(self):
        return selectors.dialogue_detail(user=self.request.user)


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
            target, actual = services.indicator_figures(indicator, dialogue.fiscal_year)
            rows.append({"indicator": indicator, "target": target, "actual": actual})
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
