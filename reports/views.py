"""The report center: request a report, watch its progress, download, re-run. Thin: the
selectors scope every job to the user, the services do every write."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cpc.access.views import RoleRequiredMixin
from cpc.forms import apply_service_errors
from cpc.services import StateConflict

from . import selectors, services
from .api import pdf_response
from .forms import ReportRequestForm
from .models import ReportStatus

SESSION_KEY = "reports:last-request"


def _jobs_context(user) -> dict:
    jobs = list(selectors.report_job_list(user=user)[:50])
    return {
        "jobs": jobs,
        "keep_polling": any(not job.is_finished for job in jobs),
    }


class ReportCenterView(RoleRequiredMixin, TemplateView):
    template_name = "reports/report_center.html"

    def _form(self, data=None, choice=None) -> ReportRequestForm:
        user = self.request.user
        return ReportRequestForm(data, user=user, choice=choice,
                                 compacts=selectors.report_compact_choices(user=user))

    def get(self, request, *args, **kwargs):
        # A changed kind or compact (htmx, or the "Update choices" button without JavaScript)
        # offers the choices that go with it; otherwise the user's last request.
        choice = request.GET if "kind" in request.GET else request.session.get(SESSION_KEY)
        return self.render_to_response(self._context(self._form(choice=choice)))

    def post(self, request, *args, **kwargs):
        if not services.may_request_reports(request.user):
            raise PermissionDenied(services.ERR_NOT_A_REQUESTER)
        if "refresh" in request.POST:
            return self.render_to_response(self._context(self._form(choice=request.POST)))
        form = self._form(request.POST)
        if form.is_valid():
            request.session[SESSION_KEY] = form.remembered()
            try:
                job = services.report_request(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied as error:
                form.add_error("kind", str(error))
            else:
                job.refresh_from_db()
                if job.dispatched:
                    messages.success(request, _("Report #%(number)s is queued.") % {
                        "number": job.pk})
                else:
                    messages.warning(request, services.MSG_BROKER_DOWN)
                return redirect("reports:report-center")
        return self.render_to_response(self._context(form), status=400)

    def _context(self, form) -> dict:
        return {"form": form, "can_request": services.may_request_reports(self.request.user),
                **_jobs_context(self.request.user)}


class JobListPartialView(RoleRequiredMixin, TemplateView):
    """The job table alone, polled by htmx while a job is queued or running."""

    template_name = "reports/_job_table.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_jobs_context(self.request.user)}


class ReportDownloadView(RoleRequiredMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(selectors.report_job_list(user=request.user), pk=pk)
        if job.status != ReportStatus.SUCCEEDED:
            messages.error(request, services.ERR_NOT_READY.format(
                status=job.get_status_display().lower()))
            return redirect("reports:report-center")
        return pdf_response(job)


class ReportRerunView(RoleRequiredMixin, View):
    def post(self, request, pk):
        job = get_object_or_404(selectors.report_job_list(user=request.user), pk=pk)
        try:
            job = services.report_rerun(job=job, user=request.user)
        except StateConflict as error:
            messages.error(request, error.message)
        else:
            job.refresh_from_db()
            if job.dispatched:
                messages.success(request, _("Report #%(number)s is queued again.") % {
                    "number": job.pk})
            else:
                messages.warning(request, services.MSG_BROKER_DOWN)
        return redirect("reports:report-center")
