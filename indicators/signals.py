"""Events of the indicators app that apps above it may react to (notifications)."""

from django.dispatch import Signal

# A submitted result was approved or returned. Arguments: result, reviewer, action
# ("approved" or "returned"). Sent inside the review's transaction.
result_reviewed = Signal()
