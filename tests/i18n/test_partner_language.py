"""The dialogue preparation pack and the dialogue record print in the language of the
compact's partner government, chosen per compact; the page around them stays in the
reader's language (docs/i18n.md)."""

import pytest
from django.conf import settings

from compacts.models import Compact
from tests.dialogues.factories import DialogueFactory


@pytest.fixture
def peru_dialogue(peru_compact):
    Compact.objects.filter(pk=peru_compact.pk).update(language="es")
    return DialogueFactory(compact=Compact.objects.get(pk=peru_compact.pk))


def test_the_peru_pack_is_in_spanish_for_an_english_reader(client, staff_user, peru_dialogue):
    client.force_login(staff_user)
    page = client.get(f"/dialogues/{peru_dialogue.pk}/preparation/").content.decode()
    # The pack itself, in Spanish, with Spanish dates
    assert "Carpeta de preparación: diálogo anual del AF 2024" in page
    assert "Programado para el 15 de marzo de 2024" in page
    assert "Indicadores clave" in page
    assert '<main id="main-content" class="grid-container padding-bottom-6" lang="es">' in page
    # the reader's interface around it, in English
    assert '<html lang="en">' in page
    assert ">My work<" in page and ">Compacts<" in page
    assert '<option value="en" lang="en" selected>English</option>' in page
    assert "Preparation pack" not in page.split('id="main-content"')[1]


def test_the_printable_record_is_in_the_partner_language(client, staff_user, peru_dialogue):
    client.force_login(staff_user)
    # The record page, where it is kept, stays in the reader's language and offers the
    # record to print in the partner's
    record = client.get(f"/dialogues/{peru_dialogue.pk}/").content.decode()
    assert "FY 2024 annual dialogue: " in record
    assert f'href="/dialogues/{peru_dialogue.pk}/printable/"' in record
    assert "Record to print (Español)" in record
    # which prints in Spanish, without the buttons that change the record
    page = client.get(f"/dialogues/{peru_dialogue.pk}/printable/").content.decode()
    assert "Diálogo anual del AF 2024: " in page
    assert "programado para el 15 de marzo de 2024" in page
    assert "data-print>Imprimir</button>" in page
    assert 'data-testid="log-dialogue"' not in page
    assert ">Dashboard<" in page  # the navigation stays English


def test_the_printable_record_is_scoped_like_the_record(client, ghana_officer,
                                                        peru_dialogue):
    client.force_login(ghana_officer)
    assert client.get(f"/dialogues/{peru_dialogue.pk}/printable/").status_code == 404


def test_a_french_reader_gets_the_pack_in_the_partner_language(client, staff_user,
                                                              peru_dialogue):
    client.force_login(staff_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(f"/dialogues/{peru_dialogue.pk}/preparation/").content.decode()
    assert "Carpeta de preparación" in page
    assert ">Mon travail<" in page and '<html lang="fr">' in page


def test_an_english_compact_keeps_the_pack_in_english(client, staff_user, ghana_compact):
    dialogue = DialogueFactory(compact=ghana_compact)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    client.force_login(staff_user)
    page = client.get(f"/dialogues/{dialogue.pk}/preparation/").content.decode()
    assert "Preparation pack: FY 2024 annual dialogue" in page
    assert ">Mi trabajo<" in page


def test_staff_set_the_language_of_a_compact_through_the_api(staff_api, ghana_compact):
    url = f"/api/v1/compacts/{ghana_compact.pk}/"
    assert staff_api.get(url).json()["language"] == "en"
    response = staff_api.patch(url, {"language": "fr"}, format="json")
    assert response.status_code == 200, response.content
    assert Compact.objects.get(pk=ghana_compact.pk).language == "fr"
    assert staff_api.patch(url, {"language": "xx"}, format="json").status_code == 400


def test_the_admin_edits_the_language_of_a_compact(client, db, ghana_compact):
    from tests.compacts.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(f"/admin/compacts/compact/{ghana_compact.pk}/change/").content.decode()
    assert 'name="language"' in page


def test_the_demo_compacts_speak_their_partners_language(db):
    from compacts.management.commands.seed_demo import load_demo

    load_demo(password="pw-for-tests")
    languages = dict(Compact.objects.values_list("country__iso_code", "language"))
    assert (languages["PE"], languages["CO"], languages["CI"]) == ("es", "es", "fr")
    assert languages["GH"] == "en"
