"""Worker tasks: take ids, call one service, declare the retry policy."""

from celery import shared_task
from django.conf import settings

from cpc.acting import acting

from . import services


@shared_task(
    bind=True,
    name="reports.render_report",
    acks_late=True,  # a worker that dies mid-render leaves the message for another one
    reject_on_worker_lost=True,
    ignore_result=True,  # the job row is the result
    soft_time_limit=settings.REPORTS_RENDER_SOFT_TIME_LIMIT,
    time_limit=settings.REPORTS_RENDER_TIME_LIMIT,
    autoretry_for=services.TRANSIENT_ERRORS,
    max_retries=2,
    retry_backoff=10,
    retry_backoff_max=120,
    retry_jitter=False,
)
def render_report(self, job_id: int) -> None:
    with acting(reason="Report rendering (worker)"):
        services.report_render(job_id=job_id,
                               final_attempt=self.request.retries >= self.max_retries)


@shared_task(name="reports.sweep_stale_jobs", ignore_result=True)
def sweep_stale_jobs() -> dict:
    with acting(reason="Stale report jobs swept (beat)"):
        return services.report_sweep_stale().as_dict()
