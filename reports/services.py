"""Every write to report jobs: request, dispatch to the worker, render, re-run, sweep.

Life of a job: ``queued`` (dispatched to the broker, or kept undispatched while the broker is
down) → ``running`` (a worker claimed it) → ``succeeded`` (PDF stored, SHA-256 recorded) or
``failed`` (error text kept; a user may re-run it, which reuses the same job and file name).
"""

import datetime as dt
import logging
import traceback
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compacts.models import Compact
from cpc.access.roles import AUDITOR, EMBASSY_OFFICER, TIP_STAFF
from cpc.access.scoping import can_see_compact, sees_every_country, user_roles
from cpc.services import StateConflict

from . import signals
from .content import report_content
from .models import ReportJob, ReportKind, ReportStatus
from .rendering import html_to_pdf, render_html

logger = logging.getLogger(__name__)

ERR_PROGRAM_REPORT_ROLE = _("Program oversight reports are for TIP Office staff and auditors.")
ERR_COMPACT_OUT_OF_SCOPE = _("Choose a compact of a country you are assigned to.")
ERR_NO_ROLE = _("Your account has no CPC Oversight role.")
ERR_NOT_A_REQUESTER = _("Reports are requested by TIP Office staff, embassy officers and auditors.")
# Who may request and re-run reports (implementers read results, not oversight reports).
REQUESTER_ROLES = frozenset({TIP_STAFF, EMBASSY_OFFICER, AUDITOR})


def may_request_reports(user) -> bool:
    return bool(user_roles(user) & REQUESTER_ROLES)
ERR_RERUN_NOT_FAILED = _("Only a failed report can be re-run; this one is {status}.")
ERR_NOT_READY = _("The report is not ready: it is {status}.")
ERR_WORKER_LOST = (
    _("The report worker stopped responding while rendering this report (no sign of life for "
    "{minutes}; it was probably stopped or restarted). Re-run it.")
)
ERR_NEVER_STARTED = (
    _("No worker picked this report up within {minutes}. Re-run it once the report "
    "worker is running.")
)
MSG_BROKER_DOWN = (
    _("Your report request is saved, but the report queue cannot be reached right now. "
    "It will start automatically as soon as the queue is back; you need not ask again.")
)

# Progress milestones the report center shows.
PROGRESS_CLAIMED, PROGRESS_DATA_READ, PROGRESS_HTML, PROGRESS_PDF, PROGRESS_STORED = (
    5, 10, 60, 90, 100
)
# Errors worth another attempt by the task's retry policy: the database or the storage
# hiccupped. Anything else (a template or data bug) fails the job at once.
TRANSIENT_ERRORS = (DatabaseError, OSError)


@contextmanager
def snapshot():
    """One transaction for all of a report's reads: a single consistent view of the data.

    On PostgreSQL the transaction is REPEATABLE READ (the statement must be the first in it);
    SQLite transactions are serializable already. Inside an outer transaction (tests) the
    outer one's isolation stands.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


# --- Requesting ---------------------------------------------------------------------------

@transaction.atomic
def report_request(*, user, kind: str, fiscal_year: int,
                   compact: Compact | None = None) -> ReportJob:
    """Record a report job and dispatch it to the worker once the transaction commits.

    Officers may request compact reports of their countries only; program reports are for
    staff and auditors. If the broker is down the job stays queued with ``dispatched`` false
    and the stale-job sweeper dispatches it later.
    """
    if not user_roles(user):
        raise PermissionDenied(ERR_NO_ROLE)
    if not may_request_reports(user):
        raise PermissionDenied(ERR_NOT_A_REQUESTER)
    if kind == ReportKind.PROGRAM_OVERSIGHT and not sees_every_country(user):
        raise PermissionDenied(ERR_PROGRAM_REPORT_ROLE)
    if compact is not None and not can_see_compact(user, compact):
        raise ValidationError({"compact": [ERR_COMPACT_OUT_OF_SCOPE]})
    job = ReportJob(kind=kind, compact=compact, fiscal_year=fiscal_year, requested_by=user)
    job.full_clean()
    job.save()
    job_id = job.pk
    transaction.on_commit(lambda: report_dispatch(job_id=job_id))
    return job


def report_dispatch(*, job_id: int) -> bool:
    """Hand the job to the broker. False (and the job left undispatched, with the reason in
    ``enqueue_error``) when the broker cannot take it.

    Bounded: one publish attempt (no retries) over a connection that gives up after
    ``CELERY_BROKER_CONNECTION_TIMEOUT`` seconds, and no result-store round trip (the job row
    is the result). A user is waiting for the answer; the sweeper tries again later.
    """
    from .tasks import render_report

    try:
        render_report.apply_async(args=[job_id], retry=False, ignore_result=True)
    except Exception as error:
        # Whatever the broker client raises (kombu's OperationalError, a socket error, the
        # redis client's own errors), the job is saved and will be sent again: the request
        # must not fail because the queue is away.
        logger.warning("Report job %s kept undispatched: broker unreachable (%s)", job_id, error)
        reason = f"{timezone.now():%Y-%m-%d %H:%M:%S %Z}: {type(error).__name__}: {error}"
        ReportJob.objects.filter(pk=job_id).update(enqueue_error=reason[:500])
        return False
    ReportJob.objects.filter(pk=job_id).update(dispatched=True, dispatched_at=timezone.now(),
                                               enqueue_error="")
    return True


@transaction.atomic
def report_rerun(*, job: ReportJob, user) -> ReportJob:
    """Re-run a failed job. The same job is reused (same id, same file name), so a re-run
    never leaves a second file behind and links to the job keep working."""
    if not may_request_reports(user):
        raise PermissionDenied(ERR_NOT_A_REQUESTER)
    job = ReportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ReportStatus.FAILED:
        raise StateConflict(ERR_RERUN_NOT_FAILED.format(status=job.get_status_display().lower()))
    job.status = ReportStatus.QUEUED
    job.progress = 0
    job.error = ""
    job.started_at = job.finished_at = None
    job.dispatched = False
    job.dispatched_at = None
    job.enqueue_error = ""
    job.heartbeat_at = None
    job.full_clean()
    job.save()
    job_id = job.pk
    transaction.on_commit(lambda: report_dispatch(job_id=job_id))
    return job


# --- Rendering (the worker) ---------------------------------------------------------------

def _set_progress(job: ReportJob, progress: int) -> None:
    # A plain UPDATE: progress ticks are not history worth keeping. Each tick is also the
    # worker's heartbeat, which tells the sweeper the render is alive.
    ReportJob.objects.filter(pk=job.pk, status=ReportStatus.RUNNING,
                             attempts=job.attempts).update(progress=progress,
                                                           heartbeat_at=timezone.now())
    job.progress = progress


@transaction.atomic
def _claim(job_id: int) -> ReportJob | None:
    job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
    # A finished job is not rendered again (a duplicate delivery); a running one is
    # taken over (its worker died and the broker redelivered the message).
    if job is None or job.is_finished:
        return None
    job.status = ReportStatus.RUNNING
    job.started_at = job.heartbeat_at = timezone.now()
    job.finished_at = None
    job.attempts += 1
    job.progress = PROGRESS_CLAIMED
    job.error = ""
    job.save()
    return job


@transaction.atomic
def _finish(job: ReportJob, **fields) -> bool:
    """Record the outcome, unless the job was meanwhile swept or claimed by another attempt."""
    current = ReportJob.objects.select_for_update().get(pk=job.pk)
    if current.status != ReportStatus.RUNNING or current.attempts != job.attempts:
        logger.warning("Report job %s changed while rendering; outcome dropped", job.pk)
        return False
    for field, value in fields.items():
        setattr(current, field, value)
    current.finished_at = timezone.now() if current.is_finished else None
    current.full_clean()
    current.save()
    if current.is_finished:
        signals.report_finished.send(sender=ReportJob, job=current)
    return True


def store_pdf(job: ReportJob, data: bytes) -> str:
    """Write the PDF under the job's fixed name, replacing any earlier attempt's file."""
    storage = storages["private"]
    name = job.storage_name()
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    if saved != name:  # another writer got in between: never keep two files for one job
        storage.delete(saved)
        raise OSError(f"Could not store the report under {name}.")
    return name


def report_render(*, job_id: int, final_attempt: bool = True) -> ReportJob | None:
    """Render and store one job's PDF (called by the worker task).

    A transient error (database, storage) on a non-final attempt puts the job back to queued
    and re-raises, for the task's retry policy; any other error, or the last attempt's,
    fails the job with the error text.
    """
    job = _claim(job_id)
    if job is None:
        return None
    try:
        with snapshot():
            data_as_of = timezone.now()
            content = report_content(kind=job.kind, fiscal_year=job.fiscal_year,
                                     compact_id=job.compact_id, data_as_of=data_as_of)
        _set_progress(job, PROGRESS_DATA_READ)
        html = render_html(content)
        _set_progress(job, PROGRESS_HTML)
        pdf = html_to_pdf(html)
        _set_progress(job, PROGRESS_PDF)
        name = store_pdf(job, pdf.data)
        _finish(job, status=ReportStatus.SUCCEEDED, progress=PROGRESS_STORED, pdf=name,
                sha256=pdf.sha256, page_count=pdf.page_count, data_as_of=data_as_of)
    except Exception as error:
        if isinstance(error, TRANSIENT_ERRORS) and not final_attempt:
            _finish(job, status=ReportStatus.QUEUED, progress=0,
                    error=f"Attempt {job.attempts} failed, retrying: {error}")
            raise
        logger.exception("Report job %s failed", job.pk)
        _finish(job, status=ReportStatus.FAILED, error=_error_text(error))
    job.refresh_from_db()
    return job


def _error_text(error: BaseException) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(error, SoftTimeLimitExceeded):
        from django.conf import settings

        return (f"Rendering took longer than the time limit "
                f"({settings.REPORTS_RENDER_SOFT_TIME_LIMIT} s) and was stopped. Re-run the "
                "report; if it stops again, the worker is overloaded: try at a quieter time.")
    last = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    where = f" (at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
    return f"{type(error).__name__}: {error}{where}"[:2000]


# --- Stale jobs ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SweepResult:
    dispatched: int
    failed_running: int
    failed_queued: int

    def as_dict(self) -> dict:
        return asdict(self)


def report_sweep_stale(*, now: dt.datetime | None = None) -> SweepResult:
    """Keep no job waiting forever: dispatch jobs the broker never took (it was down), fail
    running jobs whose worker has given no heartbeat for longer than any render step can
    take (it was killed), and jobs dispatched but never picked up."""
    now = now or timezone.now()
    running_minutes = settings.REPORTS_HEARTBEAT_TIMEOUT_MINUTES
    queued_minutes = settings.REPORTS_QUEUED_TIMEOUT_MINUTES

    dispatched = 0
    for job_id in ReportJob.objects.undispatched().order_by("pk").values_list("pk", flat=True):
        if not report_dispatch(job_id=job_id):
            break  # the broker is still down: try again at the next sweep
        dispatched += 1

    failed_running = _fail_all(
        ReportJob.objects.stale_running(before=now - dt.timedelta(minutes=running_minutes)),
        ERR_WORKER_LOST.format(minutes=_minutes(running_minutes)), now,
    )
    failed_queued = _fail_all(
        ReportJob.objects.stale_queued(before=now - dt.timedelta(minutes=queued_minutes))
        .filter(dispatched=True, dispatched_at__lt=now - dt.timedelta(minutes=queued_minutes)),
        ERR_NEVER_STARTED.format(minutes=_minutes(queued_minutes)), now,
    )
    return SweepResult(dispatched, failed_running, failed_queued)


def _minutes(count: int) -> str:
    return f"{count} minute{'' if count == 1 else 's'}"


def _fail_all(queryset, error: str, now: dt.datetime) -> int:
    count = 0
    for job_id in queryset.values_list("pk", flat=True):
        with transaction.atomic():
            job = ReportJob.objects.select_for_update().get(pk=job_id)
            if job.is_finished:
                continue
            job.status = ReportStatus.FAILED
            job.error = error
            job.finished_at = now
            job.save()
            count += 1
    return count
