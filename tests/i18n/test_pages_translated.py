"""Every page of every role reads in Spanish and in French: no string the catalogues translate
is left in English on it (data, such as country names and compact titles, stays as
entered). Dates and numbers follow the language too (docs/i18n.md).

The pages are every named route of the URL conf that answers GET outside the API and the
admin (the routes of ``tests/test_access_sweep.py``, which says which model each id in a
URL names), opened with the demo's objects of each compact the role sees: a new page is
visited automatically, and one the demo cannot open for any role fails the test, named."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from compacts.models import Award, Compact, GuidanceDocument
from contributions.models import Contribution, Measure, SustainabilityPlan
from cpc.access.scoping import scope_any
from dialogues.models import Dialogue, DialogueAttachment, DialogueStatus, TargetProposal
from indicators.models import Indicator, Result, ResultDocument, Target
from notifications.models import Notification
from oversight.models import GaoAgencyAction, GaoRecommendation
from reports.models import ReportJob
from tests.test_access_sweep import ROUTES

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LABELLED = ("aria-label", "title", "placeholder", "alt", "data-label")


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes outside scripts and styles, and the
    attributes screen readers and the stacked tables show. Text in ``<code>`` is an
    identifier to type as it is (a spreadsheet's column names), not wording; an element
    marked ``translate="no"`` holds a text kept as written on purpose (GAO's official English
    beside its translation): neither is interface text left untranslated."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0
        self._kept: list[list] = []  # [tag, depth] of each translate="no" element open

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self._hidden += 1
        if self._kept and tag == self._kept[-1][0]:
            self._kept[-1][1] += 1
        elif ("translate", "no") in attrs:
            self._kept.append([tag, 1])
        for name, value in attrs:
            if name in LABELLED and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
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
    show it: no placeholders or markup, and no date formats ("M j, Y"). A word that is also
    a translation in some catalogue ("no" in Spanish) may be the partner's language of a
    document shown in it (docs/i18n.md), not English left."""
    translations = set()
    for code in ("es", "fr"):
        translations |= {entry.msgstr for entry in polib.pofile(
            str(LOCALE / code / "LC_MESSAGES" / "django.po")) if entry.msgstr}
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    return {entry.msgid for entry in po
            if not entry.msgid_plural and entry.msgstr and entry.msgstr != entry.msgid
            and not re.search(r"%\(|[<&{]", entry.msgid)
            and not all(len(word) == 1 for word in re.findall(r"[A-Za-z]+", entry.msgid))
            } - translations


@pytest.fixture
def demo(db, demo_module):
    """The demo, loaded once for the module (tests/conftest.py)."""


ROLES = ["tip.staff", "embassy.officer", "auditor", "implementer"]
# Pages with a query string that shows more than the bare route.
WITH_QUERIES = ["/search/?q=child"]
# Routes the demo gives no object to open as a page, each with why (the test fails on any
# other route that no role can open).
NOT_OPENED = {
    # Sign-in steps and redirects, not pages of a signed-in role.
    "logout", "language-set", "set_language", "healthz", "favicon", "accounts:oidc-login",
    "accounts:oidc-callback", "accounts:mfa-verify", "accounts:reauth", "accounts:mfa-remove",
    "accounts:mfa", "notifications:open",
    # Files a page links to (the demo holds none of some): no wording of the interface.
    "private-file", "compacts:guidance-document", "contributions:plan-document",
    "contributions:evidence", "contributions:contribution-evidence", "dialogues:attachment",
    "indicators:result-document", "oversight:gao-action-evidence", "reports:report-download",
}


def worlds_of(user) -> list[dict]:
    """For each compact the user sees, the demo object of each model a page's URL may name
    (``PAGE_OBJECTS`` of the access sweep), planned dialogues first so the record steps show
    their forms."""
    compacts = list(scope_any(Compact.objects.filter(start_date__isnull=False), user)
                    .order_by("pk"))
    program = {GuidanceDocument: GuidanceDocument.objects.order_by("pk").first(),
               GaoRecommendation: GaoRecommendation.objects.order_by("pk").first(),
               GaoAgencyAction: GaoAgencyAction.objects.order_by("pk").first(),
               ReportJob: ReportJob.objects.order_by("pk").first(),
               Notification: Notification.objects.filter(recipient=user).first()}
    worlds = []
    for status in (DialogueStatus.PLANNED, DialogueStatus.HELD, DialogueStatus.CLOSED):
        for compact in compacts:
            dialogue = (Dialogue.objects.filter(compact=compact, status=status)
                        .order_by("-fiscal_year").first())
            if dialogue is None:
                continue
            result = Result.objects.filter(indicator__compact=compact).order_by("pk").first()
            plan = SustainabilityPlan.objects.filter(compact=compact).first()
            found = {
                Compact: compact, Dialogue: dialogue, Result: result, SustainabilityPlan: plan,
                Award: compact.awards.order_by("pk").first(),
                Indicator: Indicator.objects.filter(compact=compact).order_by("pk").first(),
                Target: Target.objects.filter(indicator__compact=compact).order_by("pk").first(),
                Contribution: Contribution.objects.filter(compact=compact).order_by("pk").first(),
                Measure: Measure.objects.filter(plan=plan).first() if plan else None,
                DialogueAttachment: DialogueAttachment.objects.filter(
                    dialogue__compact=compact).first(),
                TargetProposal: TargetProposal.objects.filter(
                    dialogue__compact=compact).order_by("pk").first(),
                ResultDocument: ResultDocument.objects.filter(
                    result__indicator__compact=compact).first(),
            } | program
            worlds.append({model: obj for model, obj in found.items() if obj is not None})
    return worlds


def page_routes():
    return [route for route in ROUTES
            if not route.is_api and not route.name.startswith("admin:")
            and "get" in route.methods()]


def is_page(response) -> bool:
    return (response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html"))


_OPENED: dict[str, dict[str, str]] = {}
# Routes that answered a GET with a file (CSV, a spreadsheet, XML) or a redirect (actions
# whose GET leads back to their page): reached, but no page to read.
_REACHED: set[str] = set()


def pages_of(username: str) -> dict[str, str]:
    """{route name: URL} of every page the role opens on the demo (cached for the module:
    the same pages serve both languages)."""
    if username in _OPENED:
        return _OPENED[username]
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    worlds = worlds_of(user)
    opened: dict[str, str] = {}
    for route in page_routes():
        objects = route.objects()
        assert objects is not None, f"{route.name}: name its ids' models in PAGE_OBJECTS"
        for world in worlds if objects else [{}]:
            if not all(model in world for model in objects.values()):
                continue
            answers = {url: client.get(url) for url in route.urls(world)}
            pages = [url for url, answer in answers.items() if is_page(answer)]
            if pages:
                opened[route.name] = pages[0]
                break
            if any(answer.status_code == 200 or 300 <= answer.status_code < 400
                   for answer in answers.values()):
                _REACHED.add(route.name)
    for url in WITH_QUERIES:
        if is_page(client.get(url)):
            opened[url] = url
    _OPENED[username] = opened
    return opened


def read(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("username", ROLES)
def test_each_role_reads_every_page_without_english_left(demo, username, language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(get_user_model().objects.get(username=username))
    # Usernames are data, even the demo's "auditor" that reads like the role's label.
    # The picker names each language in itself ("English"), whatever the page's language.
    english = english_left(language) - set(
        get_user_model().objects.values_list("username", flat=True)) - {
        name for _code, name in settings.LANGUAGES}
    left = {}
    for path in sorted(set(pages_of(username).values())):
        found = sorted(visible_texts(read(client, path)) & english)
        if found:
            left[path] = found
    assert left == {}, f"English left on the {language} pages: " + "; ".join(
        f"{path}: {found}" for path, found in left.items())


def test_every_page_is_opened_by_some_role(demo):
    """A page no role opens on the demo is not checked: it must be opened, or said why not."""
    opened = set()
    for username in ROLES:
        opened |= set(pages_of(username))
    unopened = sorted(route.name for route in page_routes()
                      if route.name not in opened | _REACHED | NOT_OPENED)
    assert unopened == [], f"Pages no role opens on the demo: {unopened}"
    # Each role opens many pages, not only the public ones.
    assert all(len(pages_of(username)) >= 15 for username in ROLES), {
        username: len(pages_of(username)) for username in ROLES}


def test_the_check_sees_an_english_string_left():
    assert visible_texts('<p>Compacts</p><td data-label="Status">x</td>') & english_left(
        "es") == {"Compacts", "Status"}


def test_the_check_passes_over_only_what_is_kept_as_written():
    page = ('<details><summary>Compacts</summary><p lang="en" translate="no">Status <b>x</b>'
            '<p>Period</p></p></details><p>Evidence</p>')
    assert visible_texts(page) & english_left("es") == {"Compacts", "Evidence"}
