"""Events of the contributions app that apps above it may react to (notifications)."""

from django.dispatch import Signal

# The TIP Office asked the partner government for its sustainability plan. Argument: plan.
# Sent inside the request's transaction.
plan_requested = Signal()
