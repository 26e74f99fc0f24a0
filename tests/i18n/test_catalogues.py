"""The message catalogues are complete and current: every string of the interface has a
Spanish and a French translation, ``makemessages`` finds no string the catalogues lack, and
the compiled ``.mo`` files match the ``.po`` files they come from (docs/i18n.md)."""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
# The %-placeholders of Python and blocktranslate, and the {}-placeholders of str.format.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|%%|\{[a-z_]*\}")


def catalogue(language: str, root: Path = LOCALE) -> polib.POFile:
    return polib.pofile(str(root / language / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def catalogue_problems(po: polib.POFile) -> list[str]:
    """Every entry without a usable translation: empty, fuzzy, or whose placeholders differ
    from the English (a missing ``%(name)s`` raises at run time, a wrong one shows nothing)."""
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            if not forms or not all(forms.values()):
                problems.append(f"untranslated: {entry.msgid!r}")
                continue
            for index, text in forms.items():
                english = entry.msgid if index == 0 else entry.msgid_plural
                if placeholders(text) != placeholders(english):
                    problems.append(f"placeholders differ: {english!r} -> {text!r}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {entry.msgid!r}")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            problems.append(f"placeholders differ: {entry.msgid!r} -> {entry.msgstr!r}")
    return problems


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated_with_its_placeholders(language):
    po = catalogue(language)
    assert len(po) > 500  # the whole interface, not a stub
    assert catalogue_problems(po) == []


def test_an_untranslated_or_broken_string_fails_the_check(tmp_path):
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Compacts", msgstr=""))
    po.append(polib.POEntry(msgid="Hello %(name)s", msgstr="Hola %(nombre)s"))
    po.append(polib.POEntry(msgid="Saved", msgstr="Guardado", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="%(n)s page", msgid_plural="%(n)s pages",
                            msgstr_plural={0: "%(n)s página", 1: ""}))
    assert catalogue_problems(po) == [
        "untranslated: 'Compacts'",
        "placeholders differ: 'Hello %(name)s' -> 'Hola %(nombre)s'",
        "fuzzy: 'Saved'",
        "untranslated: '%(n)s page'",
    ]


def makemessages_ignores() -> list[str]:
    """The folders scripts/makemessages leaves out: the test runs makemessages as it does."""
    return re.findall(r"--ignore=(\S+)", (ROOT / "scripts" / "makemessages").read_text())


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_makemessages_finds_no_string_the_catalogues_lack(tmp_path, monkeypatch, settings):
    # makemessages writes into the locale folder it finds (LOCALE_PATHS): it runs on a copy
    # of the project's files (what git tracks), so that the committed catalogues, which
    # other test processes read meanwhile, are never touched.
    committed = {language: {e.msgid for e in catalogue(language)} for language in TRANSLATED}
    tree = tmp_path / "tree"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tree / name)
    settings.LOCALE_PATHS = [str(tree / "locale")]
    monkeypatch.chdir(tree)
    call_command("makemessages", locale=TRANSLATED, ignore_patterns=makemessages_ignores(),
                 no_obsolete=True, no_location=True, verbosity=0)
    found = {language: {e.msgid for e in catalogue(language, tree / "locale")}
             for language in TRANSLATED}
    for language in TRANSLATED:
        new = sorted(found[language] - committed[language])
        assert new == [], (
            f"Strings missing from locale/{language}: run scripts/makemessages and translate "
            f"them: {new}")
        gone = sorted(committed[language] - found[language])
        assert gone == [], (
            f"Strings no longer used, still in locale/{language}: run scripts/makemessages: "
            f"{gone}")


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_matches_its_source(language, tmp_path):
    committed = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    fresh_path = tmp_path / "django.mo"
    if shutil.which("msgfmt"):
        # msgfmt also checks the format strings (python-format) of every translation.
        subprocess.run(["msgfmt", "--check", "-o", str(fresh_path),
                        str(LOCALE / language / "LC_MESSAGES" / "django.po")], check=True)
    else:
        catalogue(language).save_as_mofile(str(fresh_path))
    fresh = polib.mofile(str(fresh_path))

    def entries(catalogue_):
        return {(e.msgid, e.msgid_plural): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
                for e in catalogue_ if e.msgid}

    assert entries(committed) == entries(fresh), (
        f"locale/{language}/LC_MESSAGES/django.mo is stale: run scripts/makemessages")
