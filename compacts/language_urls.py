"""``/i18n/setlang/``: Django's ``set_language``, which also remembers a signed-in user's
choice. Included before ``django.conf.urls.i18n`` in the URL map, so it answers that address."""

from django.urls import path

from .views import language_set

urlpatterns = [
    path("setlang/", language_set, name="language-set"),
]
