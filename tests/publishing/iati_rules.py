"""IATI's Standard Ruleset applied to an activity file: the rules of ``rulesets/standard.json``
(IATI-Rulesets, version 2.03 branch; the format in ``rulesets/SPEC.rst``), each evaluated with
lxml XPath in every element its context selects, as IATI's validator does.

:func:`check` answers the broken rules (:class:`Violation`) and :func:`skipped_cases` the
cases it cannot decide offline:

* ``startswith`` with the prefix ``ORG-ID-PREFIX`` needs org-id.guide's list of registration
  agencies (``idSets``), which is not kept here; pass it as ``id_sets`` to check those too.
* ``idCondition`` (``NOT_EXISTING_ORG_ID``, ``NOT_EXISTING_ORG_ID_PREFIX``) lifts a rule for
  identifiers of publishers in IATI's Registry; the Registry is not kept here either, so
  those rules are applied to every identifier (stricter than IATI).

A ``loop`` substitutes its value for ``$1`` in the keys its ``subs`` names, and only there,
as the format states (the ruleset's loop of rule 2.1.2 names its paths but not its
condition, which therefore never holds).

Contexts of organisation files (``/iati-organisations/...``) select nothing in an activity
file. Rule types the format defines but this ruleset does not use (``only_one_of``,
``dependent``, ``regex_no_matches``, ``between_dates`` in an activity context) are
implemented all the same, so that a later ruleset is read whole.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

RULESET = Path(__file__).resolve().parent / "rulesets" / "standard.json"
ORG_ID_PREFIX = "ORG-ID-PREFIX"


@dataclass(frozen=True)
class Violation:
    rule_id: str
    rule: str
    context: str
    activity: str
    message: str


def load_ruleset(path: Path = RULESET) -> dict:
    return json.loads(path.read_text())


def _text(node) -> str:
    if isinstance(node, str):
        return str(node)
    return node.text or ""


def _nodes(element, path: str) -> list:
    found = element.xpath(path)
    return found if isinstance(found, list) else [found]


def _texts(element, paths) -> list[str]:
    return [_text(n) for path in paths for n in _nodes(element, path)]


def _true(element, expression: str) -> bool:
    return bool(element.xpath(expression))


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None


class Checker:
    """The rules of one case in one context element; each rule answers whether it holds."""

    def __init__(self, *, today: dt.date, now: dt.datetime, id_sets: dict | None = None):
        self.today, self.now, self.id_sets = today, now, id_sets or {}

    # --- presence and count ------------------------------------------------------------

    def atleast_one(self, element, case) -> bool:
        return any(_nodes(element, path) for path in case["paths"])

    def no_more_than_one(self, element, case) -> bool:
        return sum(len(_nodes(element, path)) for path in case["paths"]) <= 1

    def only_one_of(self, element, case) -> bool:
        found = sum(len(_nodes(element, path)) for path in case["paths"])
        if any(_nodes(element, path) for path in case.get("excluded", [])):
            return found == 0
        return found == 1

    def dependent(self, element, case) -> bool:
        present = [bool(_nodes(element, path)) for path in case["paths"]]
        return all(present) or not any(present)

    def one_or_all(self, element, case) -> bool:
        """``one`` exists, or else ``all`` is stated everywhere it applies: every narrative's
        language (``lang``), every value's currency (``currency``), every transaction's
        element of that name (``sector``)."""
        if _nodes(element, case["one"]):
            return True
        every = {"lang": (".//narrative", "@xml:lang"), "currency": (".//value", "@currency")}
        targets, needed = every.get(case["all"], ("transaction", case["all"]))
        items = element.xpath(targets)
        return bool(items) and all(item.xpath(needed) for item in items)

    # --- values ------------------------------------------------------------------------

    def unique(self, element, case) -> bool:
        texts = _texts(element, case["paths"])
        return len(texts) == len(set(texts))

    def sum(self, element, case) -> bool:
        return self.strict_sum(element, case)

    def strict_sum(self, element, case) -> bool:
        values = [_decimal(t) for t in _texts(element, case["paths"])]
        if any(v is None for v in values):
            return False
        return sum(values, Decimal(0)) == Decimal(str(case["sum"]))

    def range(self, element, case) -> bool:
        low, high = Decimal(str(case.get("min", "-Infinity"))), Decimal(
            str(case.get("max", "Infinity")))
        values = [_decimal(t) for t in _texts(element, case["paths"])]
        return all(v is not None and low <= v <= high for v in values)

    def regex_matches(self, element, case) -> bool:
        pattern = re.compile(case["regex"])
        return all(pattern.search(t) for t in _texts(element, case["paths"]))

    def regex_no_matches(self, element, case) -> bool:
        pattern = re.compile(case["regex"])
        return not any(pattern.search(t) for t in _texts(element, case["paths"]))

    def no_spaces(self, element, case) -> bool:
        return all(t == t.strip() for t in _texts(element, case["paths"]))

    def startswith(self, element, case) -> bool | None:
        separator = case.get("separator", "")
        prefixes: list[str] = []
        for path in case["prefix"]:
            if path == ORG_ID_PREFIX:
                if ORG_ID_PREFIX not in self.id_sets:
                    return None  # undecidable without org-id.guide's list
                prefixes += list(self.id_sets[ORG_ID_PREFIX])
            else:
                prefixes += _texts(element, [path])
        starts = [p + separator for p in prefixes if p]
        return all(any(t.startswith(s) for s in starts) for t in _texts(element, case["paths"]))

    # --- dates -------------------------------------------------------------------------

    def _dates(self, element, path: str) -> list[dt.date | None]:
        if path == "NOW":
            return [self.today]
        return [_date(t) for t in _texts(element, [path])]

    def date_order(self, element, case) -> bool:
        less, more = self._dates(element, case["less"]), self._dates(element, case["more"])
        pairs = [(a, b) for a in less for b in more if a is not None and b is not None]
        return all(a <= b for a, b in pairs)

    def date_now(self, element, case) -> bool:
        for text in _texts(element, [case["date"]]):
            try:
                moment = dt.datetime.fromisoformat(text.strip())
            except ValueError:
                return False
            if moment.tzinfo is None:
                if moment.date() > self.today:
                    return False
            elif moment > self.now:
                return False
        return True

    def time_limit(self, element, case) -> bool:
        for start in self._dates(element, case["start"]):
            for end in self._dates(element, case["end"]):
                if start is None or end is None:
                    continue
                try:
                    limit = start.replace(year=start.year + 1)
                except ValueError:  # 29 February
                    limit = start.replace(year=start.year + 1, day=28)
                if end > limit:
                    return False
        return True

    def between_dates(self, element, case) -> bool:
        starts = [d for d in self._dates(element, case["start"]) if d]
        ends = [d for d in self._dates(element, case["end"]) if d]
        dates = [d for d in self._dates(element, case["date"]) if d]
        return all(s <= d <= e for d in dates for s in starts for e in ends)

    # --- logic -------------------------------------------------------------------------

    def if_then(self, element, case) -> bool:
        return not _true(element, case["if"]) or _true(element, case["then"])


def _substituted(case: dict, keys, value: str) -> dict:
    def sub(item):
        if isinstance(item, list):
            return [sub(i) for i in item]
        return item.replace("$1", value) if isinstance(item, str) else item

    return {k: (sub(v) if k in keys else v) for k, v in case.items()}


def _cases(rule: str, spec: dict, element):
    """The (rule, case) pairs to apply in ``element``; a ``loop`` unrolled over its values."""
    for case in spec["cases"]:
        if rule != "loop":
            yield rule, case
            continue
        for value in {_text(v) for v in _nodes(element, case["foreach"])}:
            for inner, inner_spec in case["do"].items():
                for inner_case in inner_spec["cases"]:
                    yield inner, _substituted(inner_case, case.get("subs", []), value)


def _activity_of(element) -> str:
    for ancestor in element.iterancestors("iati-activity"):
        return ancestor.findtext("iati-identifier", "")
    return element.findtext("iati-identifier", "") if element.tag == "iati-activity" else ""


def _applies(case: dict, element) -> bool:
    return "condition" not in case or _true(element, case["condition"])


def evaluate(document, *, ruleset: dict | None = None, today: dt.date | None = None,
             now: dt.datetime | None = None, id_sets: dict | None = None):
    """Every (context, rule, case, element, holds) of the ruleset in ``document``; ``holds``
    is None where the rule cannot be decided (see the module's docstring)."""
    if isinstance(document, bytes):
        document = etree.fromstring(document)
    now = now or dt.datetime.now(dt.UTC)
    checker = Checker(today=today or now.date(), now=now, id_sets=id_sets)
    for context, rules in (ruleset or load_ruleset()).items():
        for element in document.xpath(context):
            for rule, spec in rules.items():
                for name, case in _cases(rule, spec, element):
                    if not _applies(case, element):
                        continue
                    yield context, name, case, element, getattr(checker, name)(element, case)


def check(document, **options) -> list[Violation]:
    """The broken rules of ``document`` (an empty list when every rule holds)."""
    return [Violation(rule_id=case.get("ruleInfo", {}).get("id", "?"), rule=name,
                      context=context, activity=_activity_of(element),
                      message=case.get("ruleInfo", {}).get("message", ""))
            for context, name, case, element, holds in evaluate(document, **options)
            if holds is False]


def skipped_cases(document, **options) -> set[str]:
    """The ids of the cases that could not be decided in ``document``."""
    return {case.get("ruleInfo", {}).get("id", "?")
            for _context, _name, case, _element, holds in evaluate(document, **options)
            if holds is None}


def rule_types(ruleset: dict | None = None, *, activity_files: bool = False) -> set[str]:
    """The rule types the ruleset states, a ``loop``'s inner rules included; with
    ``activity_files``, those of the contexts that can select in an activity file."""
    names = set()
    for context, rules in (ruleset or load_ruleset()).items():
        if activity_files and context.startswith("/iati-organisations"):
            continue
        for rule, spec in rules.items():
            names.add(rule)
            if rule == "loop":
                names |= {inner for case in spec["cases"] for inner in case["do"]}
    return names
