"""Django's ``{# #}`` comment is one line only: one spread over lines is printed as text
(it was, above the .gov banner of every page). Multi-line comments use {% comment %}."""

from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def template_files():
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if ".venv" not in folder.parts:
            yield from folder.rglob("*.html")


def test_no_comment_tag_spans_lines():
    files = list(template_files())
    assert len(files) > 50
    unclosed = []
    for path in files:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            start = line.rfind("{#")
            if start != -1 and "#}" not in line[start:]:
                unclosed.append(f"{path.relative_to(ROOT)}:{number}")
    assert unclosed == []


def test_a_page_prints_no_comment_text(client):
    content = client.get("/accounts/login/").content.decode()
    assert "{#" not in content and "#}" not in content
