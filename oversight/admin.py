"""Admin of GAO's recommendation record: program-wide, changed by TIP staff only (others
read it), every change with a reason that the history keeps."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cpc.access.admin import ScopedAdmin, ScopedChoicesMixin

from .models import GaoAgencyAction, GaoRecommendation
from .services import ERR_REASON_REQUIRED


class GaoRecommendationForm(forms.ModelForm):
    change_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason for the change"),
        help_text=_("Required: the history keeps it beside the change."),
        error_messages={"required": ERR_REASON_REQUIRED})

    class Meta:
        model = GaoRecommendation
        fields = ["number", "text", "concurrence", "status", "status_as_of", "status_reported",
                  "status_note"]


class GaoAgencyActionInline(ScopedChoicesMixin, admin.StackedInline):
    model = GaoAgencyAction
    extra = 0
    readonly_fields = ["recorded_by", "created_at"]


@admin.register(GaoRecommendation)
class GaoRecommendationAdmin(ScopedAdmin):
    country_path = None
    form = GaoRecommendationForm
    list_display = ["number", "status", "status_as_of", "status_reported", "concurrence"]
    list_filter = ["status"]
    inlines = [GaoAgencyActionInline]

    def has_delete_permission(self, request, obj=None):
        return False  # the six recommendations are GAO's; they are never removed

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data["change_reason"].strip()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for action in formset.save(commit=False):
            if action.recorded_by_id is None:
                action.recorded_by = request.user
            action._change_reason = form.cleaned_data["change_reason"].strip()
            action.save()
        formset.save_m2m()


@admin.register(GaoAgencyAction)
class GaoAgencyActionAdmin(ScopedAdmin):
    country_path = None
    list_display = ["recommendation", "date", "period", "description"]
    list_filter = ["recommendation"]
    readonly_fields = ["recorded_by", "created_at"]
