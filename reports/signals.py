"""Events of the reports app that apps above it may react to (notifications)."""

from django.dispatch import Signal

# A report job succeeded or failed. Argument: job. Sent inside the outcome's transaction.
report_finished = Signal()
