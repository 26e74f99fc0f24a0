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


RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def referenced_apps(path: Path) -> set[str]:
    """Apps a module names by string: a relation to ``"app.Model"`` (in a model or a
    migration) and a migration's dependency ``("app", "0001_...")``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                node.func, "id", "")) in RELATION_FIELDS:
            targets = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "to")]
            names.update(t.value.split(".")[0] for t in targets
                         if isinstance(t, ast.Constant) and isinstance(t.value, str)
                         and "." in t.value)
        elif (isinstance(node, ast.Tuple) and len(node.elts) == 2
              and all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                      for e in node.elts)
              and node.elts[1].value[:4].isdigit() and "migrations" in path.parts):
            names.add(node.elts[0].value)
    return names & set(LAYERS)


@pytest.mark.parametrize("app", LAYERS)
def test_no_string_relation_or_migration_reaches_an_app_above(app):
    """A foreign key named by string, or a migration's dependency, is a link as much as an
    import: a target knows nothing of the dialogue it was agreed at (dialogues keeps it)."""
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    upward = {str(path.relative_to(ROOT)): sorted(referenced_apps(path) - allowed)
              for path in sorted((ROOT / app).rglob("*.py"))
              if referenced_apps(path) - allowed}
    assert upward == {}, f"{app} names apps above it: {upward}"


def test_the_checker_sees_an_upward_string_relation_and_dependency(tmp_path):
    migration = tmp_path / "migrations" / "0002_link.py"
    migration.parent.mkdir()
    migration.write_text(
        "dependencies = [('dialogues', '0001_initial')]\n"
        "field = models.ForeignKey(to='oversight.check', on_delete=models.PROTECT)\n")
    assert referenced_apps(migration) == {"dialogues", "oversight"}
    model = tmp_path / "models.py"
    model.write_text("dialogue = models.ForeignKey('dialogues.Dialogue', on_delete=PROTECT)\n")
    assert referenced_apps(model) == {"dialogues"}
