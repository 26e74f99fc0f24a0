"""The six checks as they will stand once the year's dialogue is closed (the close step and
the rule that asks for a reason read them): a pending check of the dialogue's own record
(1, 2, 6) reads not met, for nothing more can be recorded at a closed dialogue; the others
stand as they are."""

import datetime as dt

from dialogues import closing
from oversight import selectors
from oversight.compliance import (
    DIALOGUE_RECORD_CHECKS,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    PENDING,
    TITLES,
    Check,
    once_closed,
)


def test_a_pending_check_of_the_dialogues_record_reads_not_met_the_others_stand():
    due = dt.date(2027, 1, 6)
    checks = [Check(n, TITLES[n], PENDING, "Due by 2027-01-06.", due) for n in TITLES]
    projected = {c.recommendation: c for c in once_closed(checks)}
    assert DIALOGUE_RECORD_CHECKS == (1, 2, 6)
    for number, check in projected.items():
        if number in DIALOGUE_RECORD_CHECKS:
            assert (check.status, check.due_on) == (NOT_MET, None)
            assert check.detail.endswith("so this check will read not met.")
        else:
            assert (check.status, check.due_on, check.detail) == (PENDING, due,
                                                                  "Due by 2027-01-06.")


def test_met_not_met_and_not_applicable_stand_as_they_are():
    checks = [Check(n, TITLES[n], status, "As it is.")
              for n, status in zip(TITLES, (MET, NOT_MET, NOT_APPLICABLE, MET, NOT_MET, MET),
                                   strict=True)]
    assert once_closed(checks) == checks


def test_the_oversight_app_registers_the_projection_with_the_dialogues_app():
    assert [selectors.dialogue_checks_once_closed] == closing._PROJECTION
