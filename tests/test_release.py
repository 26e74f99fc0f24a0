"""cpc.release: the fingerprint of the sources a process serves, which cached content is
keyed by (cpc.access.cache_version.content_version)."""

from pathlib import Path

from cpc.release import release, source_digest, source_roots


def _tree(root: Path) -> Path:
    (root / "app" / "templates").mkdir(parents=True)
    (root / "app" / "rules.py").write_text("LIMIT = 1\n")
    (root / "app" / "templates" / "page.html").write_text("<p>{{ value }}</p>\n")
    return root / "app"


def test_the_digest_follows_code_and_templates_and_nothing_else(tmp_path):
    app = _tree(tmp_path)
    first = source_digest([app])
    assert source_digest([app]) == first
    (app / "notes.md").write_text("not served")
    (app / "__pycache__").mkdir()
    (app / "__pycache__" / "rules.cpython-311.py").write_text("compiled")
    assert source_digest([app]) == first
    (app / "rules.py").write_text("LIMIT = 2\n")  # a rule changed
    second = source_digest([app])
    assert second != first
    (app / "templates" / "page.html").write_text("<p>{{ value|date }}</p>\n")
    third = source_digest([app])
    assert third not in (first, second)
    (app / "templates" / "other.html").write_text("")  # a template added
    assert source_digest([app]) != third


def test_the_digest_tells_where_a_file_lies(tmp_path):
    app = _tree(tmp_path)
    before = source_digest([app])
    (app / "templates" / "page.html").rename(app / "page.html")
    assert source_digest([app]) != before


def test_the_release_reads_the_project_sources(settings):
    roots = source_roots()
    names = {root.name for root in roots}
    assert {"cpc", "templates", "locale", *settings.PROJECT_APPS} <= names
    assert all(root.is_dir() for root in roots)
    assert len(release()) == 16 and release() == release()
