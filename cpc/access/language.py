"""The interface language each user chose, remembered across sign-ins (docs/i18n.md).

Django keeps the reader's language in a cookie (``LocaleMiddleware`` reads it). Picking a
language while signed in also stores it on the user's profile; at sign-in, in any browser,
``language_at_login`` reads it back and ``RememberedLanguageMiddleware`` sets the cookie on
the response, so the user keeps their language wherever they sign in.
"""

from django.conf import settings
from django.utils import translation

REMEMBERED_LANGUAGE_ATTR = "cpc_remembered_language"


def language_at_login(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: the signed-in user's chosen language, if any, applies
    from this response on."""
    if request is None:
        return
    language = _profile_language(user)
    if language and language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language
        setattr(request, REMEMBERED_LANGUAGE_ATTR, language)


def _profile_language(user) -> str:
    """The language kept on the user's profile ("" without a profile or a choice). Read
    through ``user.profile`` so that this package imports no domain app."""
    profile = getattr(user, "profile", None)  # RelatedObjectDoesNotExist is an AttributeError
    return getattr(profile, "language", "") or ""


class RememberedLanguageMiddleware:
    """Sets the language cookie to the language ``language_at_login`` found; every other
    response passes untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, REMEMBERED_LANGUAGE_ATTR, None)
        if language:
            set_language_cookie(response, language)
        return response


def set_language_cookie(response, language: str) -> None:
    """The cookie exactly as Django's ``set_language`` view writes it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language,
        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
