#!/usr/bin/env python3
"""The project's own lint: a rule that has one home may not be restated outside it.

In the style of Zulip's custom checks (tools/linter_lib/custom_check.py): each rule is a
regular expression with the files it applies to, the files that are its home (excluded), a
description that says where the rule lives instead, and example lines it must flag
(``bad_lines``) and let pass (``good_lines``), checked before the tree is (a rule that stops
matching what it was written for fails at once). Run by ``scripts/test``; prints each
offence as ``path:line: description`` and exits 1 when there is one.

    python tools/lint_rules.py            # every file git knows
    python tools/lint_rules.py FILE...    # just these (paths relative to the repository)
"""

import fnmatch
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEW_MODULES = ("*/views.py", "*/views/*.py", "*/api.py", "*/api/*.py")
NEVER = ("*/migrations/*", "tests/*", "*/tests/*", "tools/*", ".venv/*", "node_modules/*")


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: str
    description: str
    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    bad_lines: tuple[str, ...] = ()
    good_lines: tuple[str, ...] = ()
    regex: re.Pattern = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "regex", re.compile(self.pattern))

    def applies_to(self, path: str) -> bool:
        def matches(patterns):
            return any(fnmatch.fnmatch(path, p) for p in patterns)
        return matches(self.include) and not matches(self.exclude) and not matches(NEVER)


RULES = (
    Rule(
        name="date-range",
        # A filter or comparison on a term or a due date, outside the models that own it.
        pattern=r"\b(start_date|end_date|current_end_date|due_on)__(lt|lte|gt|gte|range)\b"
                r"|\b(start_date|end_date|current_end_date|due_on)\s*(<|>|<=|>=)\s*\w",
        description="A date-range rule (a compact active in a year, a plan or action item "
                    "overdue) is a model or QuerySet method: call it (Compact.is_active_in, "
                    "CompactQuerySet.active_in, the overdue methods) instead of restating it.",
        include=(*VIEW_MODULES, "*/selectors.py", "*/queues.py", "reports/*.py",
                 "reports/*/*.py", "templates/*.html", "templates/*/*.html",
                 "templates/*/*/*.html", "*/services.py", "*/services/*.py"),
        bad_lines=(
            'Compact.objects.filter(start_date__lte=last_day, end_date__gte=first_day)',
            'plans.filter(due_on__lt=today, received_on=None)',
            '{% if row.due_on < today %}overdue{% endif %}',
            'if compact.start_date <= day:',
        ),
        good_lines=(
            'Compact.objects.active_in(fiscal_year)',
            'plan.due_on|date:_("M j, Y")',
            '{% if row.is_overdue %}overdue{% endif %}',
            'fields = ["start_date", "end_date"]',
        ),
    ),
    Rule(
        name="objects-in-views",
        pattern=r"\.objects\.",
        description="A view or viewset reads through its app's selectors (scoped and "
                    "prefetched there), not through a model manager.",
        include=VIEW_MODULES,
        exclude=("cpc/*",),
        bad_lines=('dialogue = Dialogue.objects.get(pk=pk)',),
        good_lines=('dialogue = selectors.dialogue_for(user, pk)',
                    'queryset = selectors.dialogues_for(self.request.user)'),
    ),
    Rule(
        name="check-status-literal",
        # The status words of the six checks, as string literals.
        pattern=r"""(?<![\w.])(["'])(met|not_met|not_applicable)\1""",
        description="A check's status is one of cpc.check_status (MET, NOT_MET, PENDING, "
                    "NOT_APPLICABLE): import the constant, don't spell the word.",
        include=("*.py", "*/*.py", "*/*/*.py"),
        exclude=("cpc/check_status.py",),
        bad_lines=('if check.status == "met":', "HEAT = {'not_met': RED}"),
        good_lines=("if check.status == MET:", 'label = _("Not met")',
                    '"""Checks met, of those that apply."""'),
    ),
)


def rule_self_test(rule: Rule) -> list[str]:
    """Where a rule no longer flags its bad lines or now flags a good one."""
    faults = [f"{rule.name}: does not flag {line!r}" for line in rule.bad_lines
              if not rule.regex.search(line)]
    faults += [f"{rule.name}: flags {line!r}" for line in rule.good_lines
               if rule.regex.search(line)]
    return faults


def offences_in(path: str, text: str, rules=RULES) -> list[str]:
    found = []
    for rule in rules:
        if not rule.applies_to(path):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if rule.regex.search(line):
                found.append(f"{path}:{number}: [{rule.name}] {rule.description}")
    return found


def tracked_files() -> list[str]:
    listing = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, text=True, check=True)
    return [p for p in listing.stdout.splitlines() if p.endswith((".py", ".html"))]


def lint(paths: list[str], root: Path | None = None, rules=RULES) -> list[str]:
    root = root or ROOT
    found = []
    for path in paths:
        file = root / path
        if file.is_file():
            found += offences_in(path, file.read_text(errors="replace"), rules)
    return found


def main(argv: list[str]) -> int:
    faults = [fault for rule in RULES for fault in rule_self_test(rule)]
    found = faults + lint(argv or tracked_files())
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
