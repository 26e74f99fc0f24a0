"""The wording of an indicator (standard or a compact's own) in each interface language."""

from django.db import models
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from cpc.validators import LONG_TEXT_MAX, bounded_text

# The languages an indicator's name and definition may be translated into: every interface
# language but English, whose text is the indicator's own ``name`` and ``definition``.
TRANSLATED_LANGUAGES = ("es", "fr")


class TranslatedWording(models.Model):
    """An indicator's name and definition in Spanish and French beside its English, entered by
    staff (admin, the indicator form, the API). A reader sees the wording of their language,
    or the English where none was entered (``name_language`` says which, so pages can mark
    it)."""

    name_es = models.CharField(_("name in Spanish"), max_length=255, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=255, blank=True)
    definition_es = bounded_text(LONG_TEXT_MAX, blank=True, verbose_name=_("definition in Spanish"))
    definition_fr = bounded_text(LONG_TEXT_MAX, blank=True, verbose_name=_("definition in French"))

    class Meta:
        abstract = True

    def _wording(self, field: str, language: str | None) -> tuple[str, str]:
        language = (language or get_language() or "en").split("-")[0]
        if language in TRANSLATED_LANGUAGES:
            translated = getattr(self, f"{field}_{language}", "")
            if translated:
                return translated, language
        return getattr(self, field), "en"

    def name_in(self, language: str | None = None) -> str:
        """The name in ``language`` (the active language by default), else in English."""
        return self._wording("name", language)[0]

    def definition_in(self, language: str | None = None) -> str:
        return self._wording("definition", language)[0]

    @property
    def local_name(self) -> str:
        return self.name_in()

    @property
    def local_definition(self) -> str:
        return self.definition_in()

    @property
    def name_language(self) -> str:
        """The language of ``local_name``: the reader's, or "en" where it falls back."""
        return self._wording("name", None)[1]

    @property
    def definition_language(self) -> str:
        return self._wording("definition", None)[1]

    def choice_label(self) -> str:
        """"PROS-1 Casos…" for a form's choices (plain text), marked "(English)" where the
        reader's language has no name."""
        label = f"{self.code} {self.local_name}"
        if self.name_language != (get_language() or "en").split("-")[0]:
            label += f" ({pgettext('marks a name shown untranslated', 'English')})"
        return label
