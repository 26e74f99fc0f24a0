"""What a gunicorn master builds once, before it forks its workers (``when_ready`` in
gunicorn.conf.py), so that a worker's first requests cost what any request costs.

Without it every new worker (at start, and each time one is recycled after
``max_requests``) paid on its first request for the URL index, the translation catalogues,
the templates' compilation and the static files' manifest: measured with production
settings, 41 ms of CPU for its first sign-in page against 4 ms for its third (10 ms with
the warm-up). Built in the
master, all of it is shared by the forks (and frozen with the rest by ``pre_fork``).

Nothing here may open a database connection or a cache connection: a socket opened in the
master would be shared by every fork. The sign-in page requested below makes no query and no
cache call (tests/test_gunicorn_config.py holds it so), and every database connection is
closed afterwards all the same.
"""

import logging
import sys
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.urls import get_resolver, reverse
from django.utils import translation

from cpc.release import release

logger = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".html", ".txt")


def project_template_names() -> list[str]:
    """The names of the project's own templates (its template folder and its apps'; not
    those of installed packages), as ``get_template`` takes them."""
    root = Path(settings.BASE_DIR).resolve()
    names = set()
    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        for folder in map(Path, engine.template_dirs):
            folder = folder.resolve()
            if not folder.is_relative_to(root) or any(
                    part in {"site-packages", ".venv"} for part in folder.parts):
                continue
            names.update(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                         if path.suffix in TEMPLATE_SUFFIXES and path.is_file())
    return sorted(names)


def compile_templates() -> int:
    """Compile every project template into the template loaders' cache; the number
    compiled. A template that does not compile raises here, as it would on its page."""
    names = project_template_names()
    for engine in engines.all():
        if isinstance(engine, DjangoTemplates):
            for name in names:
                engine.get_template(name)
    return len(names)


def sign_in_page_host() -> str | None:
    """A host name ``ALLOWED_HOSTS`` accepts, for the warm-up request (None: none given)."""
    for host in settings.ALLOWED_HOSTS:
        if host == "*":
            return "localhost"
        if host.startswith("."):
            return host[1:]
        if host:
            return host
    return None


def request_sign_in_page(application) -> int | None:
    """The sign-in page through the whole WSGI application, as the proxy forwards it over
    HTTPS: its middleware, form, template and the static files' manifest. Its status (None:
    no host to ask for)."""
    host = sign_in_page_host()
    if host is None:
        return None
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": reverse("login"), "QUERY_STRING": "",
        "SERVER_NAME": host, "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host, "HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "https", "wsgi.input": BytesIO(), "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])

    response = application(environ, start_response)
    try:
        for _chunk in response:
            pass
    finally:
        if hasattr(response, "close"):
            response.close()
    return answer.get("status")


def warm_up(application=None) -> dict:
    """Build in this process what each worker would otherwise build on its first requests.
    ``application``: the WSGI application, for the sign-in page's request (skipped
    without it). What was done, for the log."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # loads the catalogue
            get_resolver().reverse_dict  # noqa: B018 (imports and indexes every URLconf)
    release()  # the release fingerprint of cached content: the sources are read once
    done = {"templates": compile_templates()}
    if application is not None:
        try:
            done["sign-in page"] = request_sign_in_page(application)
        finally:
            connections.close_all()
        if done["sign-in page"] not in (200, None):
            logger.warning("Warm-up: the sign-in page answered %s", done["sign-in page"])
    return done
