"""Validation messages, the six checks, charts, the upload widget and indicator names in the
reader's language (docs/i18n.md), on the demo data."""

import datetime as dt
import pickle
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from compacts.models import Compact
from cpc.wording import Sentence, Spaced, Wording
from dialogues.models import ActionItemStatus, Dialogue, DialogueStatus
from indicators.charts import indicator_chart_svg
from indicators.models import Direction, Indicator, StandardIndicator
from indicators.progress import Progress
from oversight.check_cache import cached_compliance_for_compacts
from oversight.compliance import compact_compliance, compliance_as_dict


@pytest.fixture
def demo(db, demo_module):
    """The demo, loaded once for the module (tests/conftest.py)."""


def client_of(username: str, language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(get_user_model().objects.get(username=username))
    return client


class FormFields(HTMLParser):
    """The values a browser would send for the first form of the page's ``<main>`` that
    posts: inputs, checked boxes, selected options and textareas."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = self._done = self._in_main = False
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._in_main = self._in_main or tag == "main"  # not the header's language picker
        if (tag == "form" and a.get("method", "").lower() == "post" and not self._done
                and self._in_main):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on"))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.setdefault(self._select, []).append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self.data.setdefault(name, []).append("")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_of(client: Client, path: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(client.get(path).content.decode())
    assert parser.data, path
    return parser.data


def planned_colombia_dialogue() -> Dialogue:
    return Dialogue.objects.filter(compact__country__iso_code="CO",
                                   status=DialogueStatus.PLANNED).latest("fiscal_year")


# Validation messages ---------------------------------------------------------------------


@pytest.mark.parametrize(("language", "message"), [
    ("es", "La fecha en que se compartieron los indicadores clave no puede ser futura."),
    ("fr", "La date de communication des indicateurs clés ne peut pas être dans le futur."),
])
def test_the_prepare_step_says_what_is_wrong_in_the_readers_language(demo, language, message):
    dialogue = planned_colombia_dialogue()
    client = client_of("embassy.officer", language)
    path = f"/dialogues/{dialogue.pk}/record/prepare/"
    data = form_of(client, path)
    data["key_indicators_shared_on"] = [(dt.date.today() + dt.timedelta(days=30)).isoformat()]
    page = client.post(path, data).content.decode()
    assert message in page
    assert "The date the key indicators were shared cannot be in the future." not in page


@pytest.mark.parametrize(("language", "message"), [
    ("fr", "La valeur ne peut pas être négative."),
    ("es", "El valor no puede ser negativo."),
])
def test_the_grid_says_what_is_wrong_in_the_readers_language(demo, language, message):
    compact = Compact.objects.get(country__iso_code="CO")
    client = client_of("embassy.officer", language)
    path = f"/indicators/compact/{compact.pk}/data-entry/"
    data = form_of(client, path)
    value = next(name for name in data if re.fullmatch(r"c\d+-\d{4}-value", name))
    data[value] = ["-5"]
    page = client.post(path, data).content.decode()
    assert message in page
    assert "The value cannot be negative." not in page


def test_a_validation_message_follows_the_language_of_the_moment(db):
    from indicators.models import ERR_NEGATIVE

    with translation.override("fr"):
        assert str(ERR_NEGATIVE) == "La valeur ne peut pas être négative."
    with translation.override("en"):
        assert str(ERR_NEGATIVE) == "The value cannot be negative."


# The six checks ----------------------------------------------------------------------------


def test_the_checks_read_in_spanish_on_the_compact_page_and_stay_english_elsewhere(demo):
    compact = Compact.objects.get(country__iso_code="CO")
    page = client_of("tip.staff", "es").get(f"/compacts/{compact.pk}/").content.decode()
    assert "Indicadores clave identificados antes del diálogo anual" in page
    assert "Key indicators identified before the annual dialogue" not in page
    assert "Sostenibilidad discutida en el diálogo y plan no vencido" in page
    # The API and the reports read the checks in English, whoever asks.
    with translation.override("es"):
        as_dict = compliance_as_dict(compact=compact, fiscal_year=2026)
    assert as_dict["checks"][0]["title"] == "Key indicators identified before the annual dialogue"


def test_a_cached_check_reads_in_each_readers_language(demo):
    compact = Compact.objects.get(country__iso_code="CO")
    today = dt.date.today()
    with translation.override("fr"):
        checks = cached_compliance_for_compacts([compact], fiscal_year=2026,
                                                today=today)[compact.pk]
        again = cached_compliance_for_compacts([compact], fiscal_year=2026,
                                               today=today)[compact.pk]
        assert str(again[2].title) == "Cibles annuelles fixées pour les indicateurs de performance"
    with translation.override("en"):
        assert str(checks[2].title) == "Annual targets set for performance indicators"
    assert checks[2].title == "Annual targets set for performance indicators"  # its value


def test_a_wording_is_english_as_a_value_and_its_language_when_shown(db):
    day = dt.date(2026, 3, 1)
    due = Wording("Due by {day}.", day=day)  # a message not in the catalogue stays as is
    sentence = Sentence([Wording("the plan was never requested"), "x"])
    both = Spaced(due, sentence)
    assert both == "Due by 2026-03-01. The plan was never requested; x."
    assert pickle.loads(pickle.dumps(both)) == both
    with translation.override("es"):
        from django.utils.translation import gettext_lazy as _
        due = Wording(_("Due by {day}."), day=day)
        assert due == "Due by 2026-03-01."
        assert str(due) == "Vence el 01/03/2026."
        assert str(pickle.loads(pickle.dumps(due))) == "Vence el 01/03/2026."


def test_a_check_detail_in_spanish_names_the_fiscal_year_as_the_tables_do(demo):
    compact = Compact.objects.get(country__iso_code="CO")
    checks = compact_compliance(compact=compact, fiscal_year=2027)
    with translation.override("es"):
        shown = " ".join(str(check.detail) for check in checks)
    assert "FY2027" not in shown
    assert re.search(r"AF 2027|vence|Vence", shown)


# Charts ------------------------------------------------------------------------------------


def test_a_chart_in_spanish_writes_years_and_notes_as_the_tables_do():
    rows = [Progress(year, Decimal("10"), None, None, "no_data") for year in range(2019, 2029)]
    with translation.override("es"):
        svg = indicator_chart_svg(rows, title="X", unit="count", cumulation="cumulative",
                                  direction=Direction.INCREASE)
    assert "Mayor es mejor (total acumulado)" in svg
    assert "running total" not in svg
    assert ">AF " in svg and ">FY" not in svg
    # Ten years leave narrow slots: "no informado" is written upwards, never side by side.
    assert svg.count('transform="rotate(-90') == svg.count(">no informado</text>") == 10
    with translation.override("en"):
        svg = indicator_chart_svg(rows[:3], title="X", unit="count")
    assert ">FY 2019<" in svg and "rotate(" not in svg


def test_the_charts_legend_leaves_room_for_a_long_label():
    rows = [Progress(2024, Decimal("10"), Decimal("8"), Decimal("80"), "at_risk")]
    with translation.override("fr"):
        svg = indicator_chart_svg(rows, title="X")
    label = re.search(r'<text x="([\d.]+)"[^>]*>Valeur réelle \(approuvée\)</text>', svg)
    key = re.search(r'<line x1="([\d.]+)" x2="[\d.]+" y1="188"', svg)
    assert label and key
    assert float(key.group(1)) - float(label.group(1)) >= len("Valeur réelle (approuvée)") * 5


# The upload widget -------------------------------------------------------------------------


def test_the_page_carries_the_upload_widgets_words_in_the_readers_language(demo):
    compact = Compact.objects.get(country__iso_code="CO")
    page = client_of("tip.staff", "fr").get(
        f"/contributions/compacts/{compact.pk}/").content.decode()
    assert 'data-drag-file="Glissez le fichier ici ou"' in page
    assert 'data-choose="choisissez dans un dossier"' in page
    assert "usa-file-input" in page


# Indicator names ---------------------------------------------------------------------------


def test_a_spanish_reader_sees_the_spanish_name_and_an_english_one_marked(demo):
    compact = Compact.objects.get(country__iso_code="CO")
    translated = Indicator.objects.get(compact=compact, code="PROS-1")
    untranslated = Indicator.objects.filter(compact=compact).exclude(pk=translated.pk).first()
    Indicator.objects.filter(pk=untranslated.pk).update(name_es="", name="Only in English")
    page = client_of("embassy.officer", "es").get(
        f"/indicators/compact/{compact.pk}/").content.decode()
    assert "Casos de trata infantil investigados" in page
    assert '<span lang="en">Only in English</span> <span class="cpc-lang-note">(en inglés)' in page
    english = client_of("embassy.officer", "en").get(
        f"/indicators/compact/{compact.pk}/").content.decode()
    assert "Child trafficking cases investigated" in english
    assert "cpc-lang-note" not in english


def test_the_grid_and_the_prepare_step_name_indicators_in_the_readers_language(demo):
    compact = Compact.objects.get(country__iso_code="CO")
    client = client_of("embassy.officer", "fr")
    grid = client.get(f"/indicators/compact/{compact.pk}/data-entry/").content.decode()
    assert "Affaires de traite d&#x27;enfants ayant fait l&#x27;objet d&#x27;une enquête" in grid
    prepare = client.get(
        f"/dialogues/{planned_colombia_dialogue().pk}/record/prepare/").content.decode()
    assert "PROS-1 Affaires de traite d&#x27;enfants ayant fait l&#x27;objet d&#x27;une" in prepare
    assert "Child trafficking cases investigated" not in prepare


def test_the_filter_marks_a_missing_definition_as_english(db):
    standard = StandardIndicator(code="X-1", name="Cases", definition="Counted cases.",
                                 name_es="Casos")
    template = Template("{% load indicator_format %}{{ s|indicator_name }}|"
                        "{{ s|indicator_definition }}")
    with translation.override("es"):
        shown = template.render(Context({"s": standard}))
        assert standard.choice_label() == "X-1 Casos"
    assert shown == ('Casos|<span lang="en">Counted cases.</span> '
                     '<span class="cpc-lang-note">(en inglés)</span>')
    with translation.override("fr"):
        assert standard.choice_label() == "X-1 Cases (en anglais)"


def test_the_standard_library_has_spanish_and_french_names(db):
    for standard in StandardIndicator.objects.all():
        assert standard.name_es and standard.name_fr, standard.code
        assert standard.definition_es and standard.definition_fr, standard.code


def test_staff_enter_an_indicators_translation_through_the_api(demo):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(get_user_model().objects.get(username="tip.staff"))
    indicator = Indicator.objects.filter(compact__country__iso_code="CO").first()
    answer = api.patch(f"/api/v1/indicators/{indicator.pk}/",
                       {"name_fr": "Nom en français", "definition_es": "Definición"},
                       format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["name_fr"] == "Nom en français"
    indicator.refresh_from_db()
    assert (indicator.name_fr, indicator.definition_es) == ("Nom en français", "Definición")
    assert "name_es" in api.get(f"/api/v1/indicators/{indicator.pk}/").json()


# One English word, two meanings -----------------------------------------------------------


# The notification list's button (templates/notifications/list.html).
NOTIFICATION_OPEN = "notification: go to what it is about"


def test_open_the_verb_and_open_the_status_are_two_entries():
    with translation.override("es"):
        assert translation.pgettext(NOTIFICATION_OPEN, "Open") == "Abrir"
        assert str(ActionItemStatus.OPEN.label) == "Abierta"
    with translation.override("fr"):
        assert translation.pgettext(NOTIFICATION_OPEN, "Open") == "Ouvrir"
        assert str(ActionItemStatus.OPEN.label) == "Ouverte"
