"""Every role's main pages read in Spanish and in French: no string the catalogues translate
is left in English on them (data, such as country names and compact titles, stays as
entered). Dates and numbers follow the language too (docs/i18n.md)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from compacts.models import Compact
from dialogues.models import Dialogue

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LABELLED = ("aria-label", "title", "placeholder", "alt", "data-label")


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes outside scripts and styles, and the
    attributes screen readers and the stacked tables show. An element marked
    ``translate="no"`` holds a text kept as written on purpose (GAO's official English
    beside its translation): its content is not interface text left untranslated."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0
        self._kept: list[list] = []  # [tag, depth] of each translate="no" element open

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        if self._kept and tag == self._kept[-1][0]:
            self._kept[-1][1] += 1
        elif ("translate", "no") in attrs:
            self._kept.append([tag, 1])
        for name, value in attrs:
            if name in LABELLED and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1
        if self._kept and tag == self._kept[-1][0]:
            self._kept[-1][1] -= 1
            if not self._kept[-1][1]:
                self._kept.pop()

    def handle_data(self, data):
        if not self._hidden and not self._kept:
            self.texts.append(data)


def visible_texts(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    return {" ".join(text.split()) for text in parser.texts} - {""}


def english_left(language: str) -> set[str]:
    """The English of every string the catalogue translates differently, as a page would
    show it: no placeholders or markup, and no date formats ("M j, Y")."""
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    return {entry.msgid for entry in po
            if not entry.msgid_plural and entry.msgstr and entry.msgstr != entry.msgid
            and not re.search(r"%\(|[<&{]", entry.msgid)
            and not all(len(word) == 1 for word in re.findall(r"[A-Za-z]+", entry.msgid))}


@pytest.fixture
def demo(db, demo_module):
    """The demo, loaded once for the module (tests/conftest.py)."""


def pages_of(username: str) -> list[str]:
    peru = Compact.objects.get(country__iso_code="PE")
    colombia = Compact.objects.get(country__iso_code="CO")
    held = Dialogue.objects.filter(compact=peru, held_on__isnull=False).latest("fiscal_year")
    planned = Dialogue.objects.filter(compact=colombia).latest("fiscal_year")
    pages = [
        "/work/", "/", "/compacts/", f"/compacts/{peru.pk}/", "/oversight/upcoming-dialogues/",
        f"/indicators/compact/{peru.pk}/", f"/dialogues/{held.pk}/",
        f"/dialogues/{held.pk}/preparation/", f"/dialogues/compact/{peru.pk}/target-proposals/",
        "/contributions/", f"/contributions/compacts/{peru.pk}/",
        f"/contributions/compacts/{peru.pk}/sustainability-plan/",
        "/contributions/overdue-plans/", "/oversight/recommendations/", "/reports/",
        "/notifications/", "/notifications/preferences/", "/search/", "/search/?q=child",
        "/dialogues/action-items/", f"/history/dialogues/{held.pk}/",
    ]
    if connection.vendor != "sqlite":
        # A compact's whole history is one UNION query SQLite refuses (ORDER BY in a compound
        # statement); it runs on PostgreSQL, as in CI.
        pages.append(f"/history/compacts/{peru.pk}/")
    if username != "auditor":
        pages += [f"/dialogues/{planned.pk}/record/{step}/"
                  for step in ("prepare", "hold", "outcomes", "close")]
        pages += [f"/indicators/compact/{colombia.pk}/data-entry/",
                  f"/indicators/compact/{colombia.pk}/bulk/"]
    return pages


def read(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("username", ["tip.staff", "embassy.officer", "auditor"])
def test_each_role_reads_its_pages_without_english_left(demo, username, language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(get_user_model().objects.get(username=username))
    # Usernames are data, even the demo's "auditor" that reads like the role's label.
    english = english_left(language) - set(
        get_user_model().objects.values_list("username", flat=True))
    left = {}
    for path in pages_of(username):
        found = sorted(visible_texts(read(client, path)) & english)
        if found:
            left[path] = found
    assert left == {}, f"English left on the {language} pages: " + "; ".join(
        f"{path}: {found}" for path, found in left.items())


def test_the_check_sees_an_english_string_left():
    assert visible_texts('<p>Compacts</p><td data-label="Status">x</td>') & english_left(
        "es") == {"Compacts", "Status"}


def test_the_check_passes_over_only_what_is_kept_as_written():
    page = ('<details><summary>Compacts</summary><p lang="en" translate="no">Status <b>x</b>'
            '<p>Period</p></p></details><p>Evidence</p>')
    assert visible_texts(page) & english_left("es") == {"Compacts", "Evidence"}
