"""tools/lint_rules.py: each rule flags what it was written for and nothing it allows, a
restatement planted in a file is found where the rule applies and not in the rule's home, and
the tree as committed passes (scripts/test runs the tool as well)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import lint_rules


@pytest.mark.parametrize("rule", lint_rules.RULES, ids=lambda rule: rule.name)
def test_each_rule_flags_its_bad_lines_and_passes_its_good_ones(rule):
    assert rule.bad_lines and rule.good_lines
    assert lint_rules.rule_self_test(rule) == []


@pytest.mark.parametrize(("path", "line", "rule"), [
    ("workspace/views.py", "late = plans.filter(due_on__lt=today)", "date-range"),
    ("reports/sections/compacts.py", "if compact.end_date >= first_day:", "date-range"),
    ("templates/workspace/my_work.html", "{% if row.due_on < today %}x{% endif %}", "date-range"),
    ("dialogues/api.py", "    return Dialogue.objects.all()", "objects-in-views"),
    ("dialogues/views/steps.py", "x = Dialogue.objects.get(pk=1)", "objects-in-views"),
    ("reports/charts.py", 'COLOURS = {"met": "green"}', "check-status-literal"),
])
def test_a_planted_restatement_is_found(tmp_path, path, line, rule):
    file = tmp_path / path
    file.parent.mkdir(parents=True)
    file.write_text(f"{line}\n")
    found = lint_rules.lint([path], root=tmp_path)
    assert len(found) == 1 and f"[{rule}]" in found[0] and found[0].startswith(f"{path}:1:")


@pytest.mark.parametrize(("path", "line"), [
    ("compacts/models.py", "return self.filter(start_date__lte=last, end_date__gte=first)"),
    ("dialogues/selectors.py", "return Dialogue.objects.filter(compact=compact)"),
    ("cpc/check_status.py", 'MET, NOT_MET = "met", "not_met"'),
    ("tests/test_x.py", 'assert check.status == "met"'),
    ("dialogues/migrations/0001_initial.py", "Dialogue.objects.filter(due_on__lt=x)"),
])
def test_a_rule_home_and_the_tests_are_not_flagged(tmp_path, path, line):
    file = tmp_path / path
    file.parent.mkdir(parents=True)
    file.write_text(f"{line}\n")
    assert lint_rules.lint([path], root=tmp_path) == []


def test_the_command_fails_on_an_offence_and_passes_a_clean_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(lint_rules, "ROOT", tmp_path)
    (tmp_path / "oversight").mkdir()
    (tmp_path / "oversight" / "api.py").write_text('if status == "not_met":\n    pass\n')
    (tmp_path / "oversight" / "selectors.py").write_text("x = Plan.objects.all()\n")
    assert lint_rules.main(["oversight/api.py"]) == 1
    assert "oversight/api.py:1: [check-status-literal]" in capsys.readouterr().out
    assert lint_rules.main(["oversight/selectors.py"]) == 0


def test_the_tree_keeps_every_rule():
    assert lint_rules.lint(lint_rules.tracked_files()) == []
