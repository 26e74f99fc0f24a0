"""Filters of the logging configuration (``LOGGING`` in ``cpc/settings/base.py``)."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A request refused for the client's reason (a 403 for someone outside their role, a
    400) is expected: ``django.request`` logs it as a warning, and Django 5 attaches the
    exception that answered it, so the log printed a full traceback for each. The warning
    line stays (path and status); the traceback is kept for server errors (5xx) alone."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
