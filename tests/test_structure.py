"""The shape every module keeps, read from the source (docs/architecture.md, "Structure"):

- a view or viewset module validates input, calls one service and renders: it opens no
  transaction, takes no row lock and compares no versions (the services own those);
- every public service that writes takes the acting user (``user``), so its authorization
  lives with the write, not only in the page or the queryset that reached it;
- no module is over 400 lines and no function is above radon's grade C (complexity 20).
"""

import ast
from pathlib import Path

import pytest
from radon.complexity import cc_rank, cc_visit

ROOT = Path(__file__).resolve().parent.parent
APPS = ["cpc", "compacts", "accounts", "indicators", "dialogues", "contributions", "publishing",
        "oversight", "reports", "notifications", "search", "audit", "workspace"]
MAX_LINES = 400

# What a view module may not do: open a transaction (or a savepoint, or roll one back), lock a
# row, or decide whether a record changed since it was read.
FORBIDDEN_CALLS = {
    "atomic": "opens a transaction",
    "set_rollback": "rolls a transaction back",
    "savepoint": "opens a savepoint",
    "select_for_update": "locks rows",
    "lock": "locks a row",
    "check_version": "compares versions",
}
VERSION_READERS = {"record_version", "etag_for", "current_etag"}

# Public service functions that write without an acting user, each with why. Reads, and the
# primitives every service uses, are not writes of a use case.
NOT_USE_CASES = {
    # cpc/services.py: the primitives the use cases are written with.
    "required_reason", "validated_save", "field_values", "lock", "validated_update",
}
SYSTEM_JOBS = {
    # Run by the scheduler or the worker on nobody's behalf.
    "accounts_disable_inactive", "reminders_send", "digests_send", "email_send",
    "report_sweep_stale", "report_render", "report_dispatch", "store_pdf",
    # Helpers of the notification system, called by the services that carry the user.
    "notify", "batch", "current_batch",
}
READS = {
    "inactive_accounts", "close_reason", "indicator_figures", "indicator_recent_years",
    "reminder_recipients", "email_frequency", "unread_count", "compact_officers",
    "dialogues_not_ready", "may_request_reports", "snapshot", "usable", "matches",
    "indicator_delete_refusal", "implementer_get_or_create",
    # dialogues/services: what a step edits and its version, and the guard of a closed record.
    "step_rows", "step_version", "refuse_if_closed",
}


def assert_none(kind: str, found: set[str]):
    """Every offence of ``kind`` found, named by file and what it does (none is allowed)."""
    assert sorted(found) == [], f"{kind} offences"


def python_files(*, include_tests=False):
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or (not include_tests and "tests" in path.parts):
                continue
            yield path


def is_view_module(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    if rel.parts[0] == "cpc":  # the project's plumbing (cpc/api/conditional.py is the primitive)
        return False
    return path.stem in {"views", "api", "serializers"} or any(
        p in {"views", "api"} for p in rel.parts[1:-1])


def is_service_module(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    return path.stem == "services" or "services" in rel.parts[1:-1]


def called_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def view_module_offences(source: str) -> list[str]:
    offences = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and called_name(node) in FORBIDDEN_CALLS:
            offences.append(f"line {node.lineno}: {called_name(node)}() "
                            f"{FORBIDDEN_CALLS[called_name(node)]}")
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for side in sides:
                for inner in ast.walk(side):
                    if isinstance(inner, ast.Call) and (called_name(inner) in VERSION_READERS
                                                        or called_name(inner).endswith("_version")):
                        offences.append(f"line {node.lineno}: compares {called_name(inner)}()")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            # ``@transaction.atomic`` as a decorator is a transaction as much as a call.
            for decorator in node.decorator_list:
                if getattr(decorator, "attr", getattr(decorator, "id", "")) == "atomic":
                    offences.append(f"line {decorator.lineno}: @atomic opens a transaction")
    return sorted(set(offences))


def test_no_view_module_opens_a_transaction_locks_or_compares_versions():
    found = set()
    for path in python_files():
        if is_view_module(path):
            found |= {f"view {path.relative_to(ROOT)}: {offence.split(': ', 1)[1]}"
                      for offence in view_module_offences(path.read_text())}
    assert_none("view", found)


def public_functions(source: str):
    for node in ast.parse(source).body:
        if (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and not node.name.startswith("_")):
            yield node


def takes_user(node) -> bool:
    args = node.args
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    return "user" in names


def service_offences(source: str) -> list[str]:
    return [node.name for node in public_functions(source)
            if node.name not in NOT_USE_CASES | SYSTEM_JOBS | READS and not takes_user(node)]


def test_every_service_that_writes_takes_the_acting_user():
    found = set()
    for path in python_files():
        if is_service_module(path):
            found |= {f"service {path.relative_to(ROOT)}: {name}"
                      for name in service_offences(path.read_text())}
    assert_none("service", found)


def checked_files():
    yield from python_files()
    yield from sorted((ROOT / "scripts").glob("*.py"))
    yield from sorted((ROOT / "tools").glob("*.py"))


def test_no_module_is_over_400_lines():
    found = {f"size {path.relative_to(ROOT)}" for path in checked_files()
             if len(path.read_text().splitlines()) > MAX_LINES}
    assert_none("size", found)


def complex_functions(source: str) -> list[str]:
    return [block.fullname for block in cc_visit(source) if cc_rank(block.complexity) not in "ABC"]


def test_no_function_is_above_grade_c():
    found = {f"complexity {path.relative_to(ROOT)}: {name}"
             for path in checked_files() for name in complex_functions(path.read_text())}
    assert_none("complexity", found)


# The checks above see what they are meant to see.

@pytest.mark.parametrize("source", [
    "def post(r):\n    with transaction.atomic():\n        pass\n",
    "from django.db import transaction\n@transaction.atomic\ndef post(r):\n    pass\n",
    "def post(r):\n    Dialogue.objects.select_for_update().get(pk=1)\n",
    "def post(r):\n    check_version(obj, r.POST['version'])\n",
    "def post(r):\n    if r.POST['version'] != record_version(obj):\n        raise X\n",
])
def test_a_planted_transaction_lock_or_version_check_in_a_view_is_seen(source):
    assert view_module_offences(source)


def test_a_view_that_only_renders_a_version_passes():
    assert view_module_offences("def get(r):\n    return {'v': record_version(obj)}\n") == []


def test_a_planted_writing_service_without_the_user_is_seen():
    assert service_offences("def dialogue_close(*, dialogue, reason):\n    pass\n") == [
        "dialogue_close"]
    assert service_offences("def dialogue_close(*, dialogue, reason, user):\n    pass\n") == []


def test_a_planted_complex_function_is_seen():
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(25))
    assert complex_functions(f"def f(x):\n{branches}") != []
