"""The status words of the six checks, one home for every app that reads a verdict (the
checks themselves in ``oversight``, the close step's projection in ``dialogues``, the
report's charts in ``reports``): met, not met, pending (not met yet, not yet due) and not
applicable (the compact was not active in the year)."""

MET, NOT_MET, PENDING, NOT_APPLICABLE = "met", "not_met", "pending", "not_applicable"
STATUSES = (MET, NOT_MET, PENDING, NOT_APPLICABLE)
