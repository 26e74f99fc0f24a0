"""The texts of GAO's six recommendations in the reader's language.

The records hold them in English, as migration 0006 loaded them from GAO's public record
(paraphrased, and said to be). The catalogues translate them here, keyed by that English
text; the page shows the translation and keeps the English, the record's own text, beside it.
A text that is not the one loaded (changed in the admin since) has no translation and is
shown as recorded.
"""

from django.utils.translation import gettext, gettext_noop

# Word for word the texts of oversight/migrations/0006_gao_public_record_as_told.py
# (tests/oversight/test_gao_page.py holds them to it): a text changed there needs its
# translations again.
OFFICIAL_TEXTS = {
    1: gettext_noop("Identify, together with each partner government, the key indicators to "
                    "be discussed before each annual CPC dialogue. (Paraphrased.)"),
    2: gettext_noop("Discuss indicator data with each partner government at each annual "
                    "dialogue. (Paraphrased.)"),
    3: gettext_noop("Set annual targets for the performance indicators of each compact. "
                    "(Paraphrased.)"),
    4: gettext_noop("Reference the need for indicator targets in the program's guidance "
                    "documents. (Paraphrased.)"),
    5: gettext_noop("Track each partner government's contributions to its compact annually. "
                    "(Paraphrased.)"),
    6: gettext_noop("Discuss sustainability measures with each partner government at each "
                    "annual dialogue. (Paraphrased.)"),
}


def text_in_language(recommendation) -> str:
    """The recommendation's text in the active language: the catalogue's translation of
    the text GAO's record gave, or the recorded text as it is."""
    if OFFICIAL_TEXTS.get(recommendation.number) != recommendation.text:
        return recommendation.text
    return gettext(recommendation.text)
