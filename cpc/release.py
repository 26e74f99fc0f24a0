"""This release's fingerprint: a digest of the code, templates and translations the process
serves, and of the static files' manifest where one is collected.

Content cached for an hour (rendered pages, the checks' verdicts) is stored under it besides
the records version: after a deploy that changes a rule or a template, the next request
computes afresh instead of showing, for up to an hour, what the previous release computed.
Two releases running side by side (a rolling deploy) never read each other's entries.
"""

import hashlib
import os
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings

SOURCE_SUFFIXES = frozenset({".py", ".html", ".txt", ".mo"})


def _source_files(root: Path):
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders
                         if name != "__pycache__" and not name.startswith(".")]
        for name in files:
            if Path(name).suffix in SOURCE_SUFFIXES:
                yield Path(folder) / name


def source_digest(roots) -> str:
    """A digest of the names and contents of the source files under each of ``roots`` (a
    root that does not exist counts as empty)."""
    digest = hashlib.sha256()
    for root in map(Path, roots):
        digest.update(root.name.encode() + b"\0")
        if root.is_dir():
            for path in sorted(_source_files(root)):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def source_roots() -> list[Path]:
    """The folders the running app reads code, templates and translations from: the ``cpc``
    package, the project's apps, the template folders and the translations."""
    roots = [Path(__file__).resolve().parent]
    roots += [Path(apps.get_app_config(label).path) for label in settings.PROJECT_APPS]
    for engine in settings.TEMPLATES:
        roots += [Path(folder) for folder in engine.get("DIRS", [])]
    return roots + [Path(folder) for folder in settings.LOCALE_PATHS]


@cache
def release() -> str:
    """This process's release fingerprint, computed once (about 300 files, 1 MB)."""
    digest = hashlib.sha256(source_digest(source_roots()).encode())
    if settings.STATIC_ROOT:
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        if manifest.is_file():  # the hashed names pages link to
            digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]
