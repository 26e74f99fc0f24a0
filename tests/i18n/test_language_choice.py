"""The language picker and the user's choice, remembered across sign-ins (docs/i18n.md)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from compacts.models import UserProfile
from cpc.access.cache_version import records_version
from cpc.access.fragments import fragment_key
from tests.compacts.factories import CompactFactory


def sign_in(client, username, password="pass-for-tests"):
    response = client.post("/accounts/login/", {"username": username, "password": password},
                           REMOTE_ADDR="192.0.2.20")
    assert response.status_code == 302, response.content[:500]
    return response


def test_every_page_has_the_language_picker_in_the_reader_language(client, staff_user):
    client.force_login(staff_user)
    page = client.get("/compacts/").content.decode()
    assert 'data-testid="language-picker"' in page
    assert 'action="/i18n/setlang/"' in page
    assert '<label class="usa-label" for="language-picker">' in page
    assert '<option value="es" lang="es">Español</option>' in page
    assert '<html lang="en">' in page


def test_the_sign_in_page_has_the_picker_too(client):
    assert 'data-testid="language-picker"' in client.get("/accounts/login/").content.decode()


def test_picking_a_language_sets_the_cookie_and_keeps_it_on_the_profile(client, staff_user):
    client.force_login(staff_user)
    version = records_version()

    response = client.post("/i18n/setlang/", {"language": "es", "next": "/compacts/"})

    assert response.status_code == 302 and response["Location"] == "/compacts/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert UserProfile.objects.get(user=staff_user).language == "es"
    page = client.get("/compacts/")
    assert page["Content-Language"] == "es"
    assert '<html lang="es">' in page.content.decode()
    # A reader's preference is no record: cached pages of every reader stay valid.
    assert records_version() == version


def test_an_unknown_language_is_ignored(client, staff_user):
    client.force_login(staff_user)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/compacts/"})
    assert not UserProfile.objects.filter(user=staff_user).exclude(language="").exists()
    assert client.get("/compacts/")["Content-Language"] == "en"


def test_an_anonymous_reader_gets_the_cookie_only(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert client.get("/accounts/login/")["Content-Language"] == "fr"


def test_the_choice_applies_again_at_sign_in_in_another_browser(db, staff_user):
    first = Client()
    sign_in(first, "staff")
    first.post("/i18n/setlang/", {"language": "fr", "next": "/work/"})
    first.post("/accounts/logout/")

    # A fresh browser: no language cookie, no Accept-Language.
    second = Client()
    response = sign_in(second, "staff")

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert second.get("/compacts/")["Content-Language"] == "fr"


def test_a_user_who_never_chose_keeps_the_browser_language(db, staff_user):
    browser = Client(HTTP_ACCEPT_LANGUAGE="es")
    response = sign_in(browser, "staff")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert browser.get("/compacts/")["Content-Language"] == "es"


def test_the_api_answers_in_english_by_default(staff_api):
    response = staff_api.get("/api/v1/compacts/999999/")
    assert response.status_code == 404
    assert response["Content-Language"] == "en"


def test_cached_fragments_are_keyed_by_language(rf, staff_user):
    request = rf.get("/compacts/")
    request.user = staff_user
    with translation.override("en"):
        english = fragment_key(request, "CompactListView", ("/compacts/",))
    with translation.override("es"):
        spanish = fragment_key(request, "CompactListView", ("/compacts/",))
    assert english != spanish


def test_a_user_picks_spanish_and_keeps_it_after_signing_in_again(db, staff_user):
    # Given a signed-in user who picks Spanish in the header
    browser = Client()
    sign_in(browser, "staff")
    assert "Child Protection Compacts" in browser.get("/compacts/").content.decode()
    browser.post("/i18n/setlang/", {"language": "es", "next": "/compacts/"})
    # then the next page is Spanish
    page = browser.get("/compacts/").content.decode()
    assert "Pactos de Protección Infantil" in page and "Mi trabajo" in page
    # and after signing out, a new browser that signs in still gets Spanish
    browser.post("/accounts/logout/")
    other = Client()
    sign_in(other, "staff")
    assert "Pactos de Protección Infantil" in other.get("/compacts/").content.decode()


@pytest.mark.parametrize(("language", "date", "amount"), [
    ("en", "December 5, 2026", "$1,234,567.50"),
    # Django's Spanish and French formats: a no-break space groups thousands, a comma
    # marks decimals.
    ("es", "5 de diciembre de 2026", "$1\N{NO-BREAK SPACE}234\N{NO-BREAK SPACE}567,50"),
    ("fr", "5 décembre 2026", "$1\N{NO-BREAK SPACE}234\N{NO-BREAK SPACE}567,50"),
])
def test_dates_and_numbers_follow_the_language(client, staff_user, peru, language, date, amount):
    compact = CompactFactory(country=peru, signed_on=dt.date(2026, 12, 5),
                             us_funding_usd=Decimal("1234567.50"))
    client.force_login(staff_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/compacts/{compact.pk}/").content.decode()
    assert date in page
    assert amount in page
