"""USWDS's file input writes its words in English from its script; a Spanish or French reader
reads them in their language, before and after choosing a file (static/js/cpc.js,
templates/includes/file_input_text.html)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("language", "before", "after"), [
    ("es", "Arrastre el archivo aquí o elija de una carpeta", "Cambiar archivo"),
    ("fr", "Glissez le fichier ici ou choisissez dans un dossier", "Changer de fichier"),
])
def test_the_upload_widget_speaks_the_readers_language(page, live_server, staff_user,
                                                        peru_compact, language, before,
                                                        after):
    staff_user.set_password("pw-for-tests-1")
    staff_user.save()
    sign_in(page, staff_user.username, "pw-for-tests-1")
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": live_server.url}])
    page.goto(f"/contributions/compacts/{peru_compact.pk}/import/")
    widget = page.locator(".usa-file-input").first
    expect(widget).to_contain_text(before)
    assert "Drag file" not in widget.inner_text()
    page.locator("input[type=file]").first.set_input_files(
        {"name": "datos.csv", "mimeType": "text/csv", "buffer": b"a,b\n1,2\n"})
    expect(widget).to_contain_text(after)
    assert "Change file" not in widget.inner_text()
