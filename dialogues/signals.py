"""Events of the dialogues app that apps above it may react to (notifications)."""

from django.dispatch import Signal

# A target proposal was accepted or rejected. Arguments: proposal, decider. Sent inside the
# decision's transaction.
target_proposal_decided = Signal()
