"""The apps depend downward only. Each app may import the apps below it in ``LAYERS`` and
nothing above: ``compacts`` sits on ``cpc`` alone, and only the apps above ``oversight``
(``reports``, ``audit``, ``workspace``) may use it. Read from the source, so a lazy import
inside a function counts as much as one at the top of a module."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["cpc", "compacts", "accounts", "indicators", "dialogues", "contributions", "publishing",
          "oversight", "reports", "notifications", "search", "audit", "workspace"]
# The project's URL map and settings wire every app together by dotted strings, not imports.


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names} & set(LAYERS)


def app_imports(app: str) -> dict[str, set[str]]:
    """Each module of ``app`` (migrations included) with the other apps it imports."""
    found = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        others = imported_apps(path) - {app}
        if others:
            found[str(path.relative_to(ROOT))] = others
    return found


@pytest.mark.parametrize("app", LAYERS)
def test_each_app_imports_only_the_apps_below_it(app):
    allowed = set(LAYERS[: LAYERS.index(app)])
    upward = {module: sorted(others - allowed)
              for module, others in app_imports(app).items() if others - allowed}
    assert upward == {}, f"{app} imports apps above it: {upward}"


def test_compacts_depends_on_cpc_alone():
    others = set().union(*app_imports("compacts").values())
    assert others <= {"cpc"}, others


def test_only_the_apps_above_oversight_use_it():
    above = LAYERS[LAYERS.index("oversight"):]
    users = {app for app in LAYERS if app not in above
             and any("oversight" in others for others in app_imports(app).values())}
    assert users == set()


def test_no_app_reaches_another_through_the_app_registry():
    """``apps.get_model`` on another app's model hides an upward dependency."""
    offenders = []
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "get_model"
                        and node.args and isinstance(node.args[0], ast.Constant)
                        and node.args[0].value in LAYERS and node.args[0].value != app):
                    offenders.append(f"{path.relative_to(ROOT)}: {node.args[0].value}")
    assert offenders == []


def test_the_checker_sees_an_upward_import(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from oversight.compliance import MET\n")
    assert imported_apps(module) == {"oversight"}
