"""Admin sweep: every URL pattern of the Django admin, for every registered model, POSTed by
every role, with the whole database compared before and after.

The cases come from ``admin.site.get_urls()`` and each registered ``ModelAdmin.get_urls()``
(changelist, add, change, delete, history, django-simple-history's history form
``history/<history_id>/``, the user admin's password form, and the site's own pages), so a
new model admin or a custom admin URL is swept without a change here. Each pattern is placed
by its name in ``MODEL_KINDS`` / ``SITE_KINDS``; ``test_every_admin_url_is_placed`` fails
naming any pattern it cannot place.

Each POST carries a plausible body, read from the admin's own pages as a superuser sees them:
the add and change forms with one field changed, ``{"post": "yes"}`` for a delete, every
action of the change list (``delete_selected`` among them) on every row, an empty body and
the form's data for the history form.

The rule:
  - anonymous: a redirect to the admin's sign-in; nothing changes;
  - signed in without a role, embassy officer, implementer, auditor (each with admin access,
    ``is_staff``, and the world in their own country): nothing changes, whatever they POST;
  - TIP staff: a POST writes only where the admin grants them the add, change or delete
    permission (never the users, groups, tokens or sign-in logs; never a history revert),
    and deletes of oversight records (``OVERSIGHT_MODELS``) are refused;
  - superuser: a history revert is refused too.

Each role's cases share one snapshot of the database: each POST runs in a savepoint rolled
back afterwards, PostgreSQL's count of the rows the transaction wrote (``written_tables``)
tells whether the POST wrote anything, and only then is the database compared whole.
"""

import html.parser
from dataclasses import dataclass, field

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.models import FederatedIdentity
from compacts import services
from compacts.models import (
    Award,
    Compact,
    Extension,
    FiscalYearLock,
    GuidanceDocument,
    Objective,
    PartnerCountry,
    TierRanking,
)
from contributions.models import Contribution, ReminderLog, SustainabilityPlan
from cpc.access.roles import AUDITOR, EMBASSY_OFFICER, IMPLEMENTER, TIP_STAFF
from dialogues.models import ActionItem, Dialogue, Discussion, TargetProposal
from indicators.models import Disaggregation, Indicator, Result, Target
from oversight.models import GaoAgencyAction, GaoRecommendation
from tests.compacts.factories import ImplementerFactory, UserFactory
from tests.database import changed_tables, snapshot, write_counts, written_tables
from tests.indicators.factories import StandardIndicatorFactory
from tests.test_access_sweep import build_world

# Every admin URL for every role: started first, so
# that a parallel run does not end waiting on them (tests/conftest.py).
pytestmark = pytest.mark.slowest

ADMIN_LOGIN = "/admin/login/"

# Oversight records: the admin refuses their deletion for everyone (they are withdrawn with
# a reason instead: the audit trail of issue 24). The one place this expectation is stated.
OVERSIGHT_MODELS = (PartnerCountry, TierRanking, Compact, Extension, Objective, Award,
                    GuidanceDocument, FiscalYearLock, Indicator, Target, Result, Disaggregation,
                    Dialogue, Discussion, ActionItem, TargetProposal, Contribution,
                    SustainabilityPlan, GaoRecommendation, GaoAgencyAction)

# Where each admin URL pattern of a model admin goes, by the end of its name
# (``<app>_<model>_<kind>``); the unnamed ``<path:object_id>/`` redirects to the change page.
MODEL_KINDS = {"changelist": "changelist", "add": "add", "change": "change",
               "delete": "delete", "history": "history",
               "simple_history": "history_form",  # django-simple-history: a past version
               "password_change": "password",      # the user admin's password form
               # django-otp's TOTP device admin: the device's key as a page and a QR code
               "config": "page", "qrcode": "page"}
# The site's own pages, by name; the unnamed last pattern is the catch-all (a 404 or the
# sign-in page).
SITE_KINDS = {"index", "login", "logout", "password_change", "password_change_done",
              "autocomplete", "jsi18n", "view_on_site", "app_list"}


# Patterns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    kind: str
    model: type | None = None
    name: str | None = field(default=None, compare=False)  # the URL name, if it has one

    def __str__(self):
        where = self.model._meta.label if self.model else "site"
        return f"{where} {self.kind}"


def _model_kind(model, pattern) -> str | None:
    if pattern.name is None:
        return "redirect" if str(pattern.pattern) == "<path:object_id>/" else None
    prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
    if not pattern.name.startswith(prefix):
        return None
    return MODEL_KINDS.get(pattern.name.removeprefix(prefix))


def admin_patterns():
    """(case or None, pattern text) for every pattern of the admin site; None: unplaced."""
    registry = admin.site._registry
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLResolver):
            continue  # a model admin's patterns: below, from the registry
        if pattern.name in SITE_KINDS:
            yield Case(pattern.name, name=pattern.name), str(pattern.pattern)
        elif pattern.name is None and str(pattern.pattern) == "(?P<url>.*)$":
            yield Case("catch_all"), str(pattern.pattern)
        else:
            yield None, str(pattern.pattern)
    resolvers = [p for p in admin.site.get_urls() if isinstance(p, URLResolver)]
    for model, model_admin in registry.items():
        for pattern in model_admin.get_urls():
            text = f"{model._meta.label}: {pattern.pattern}"
            kind = _model_kind(model, pattern) if isinstance(pattern, URLPattern) else None
            yield (Case(kind, model, pattern.name) if kind else None), text
    # Every resolver of the site is one of the registry's model admins (an included URL
    # conf of another kind would be one more, unswept: placed nowhere).
    if len(resolvers) != len(registry):
        yield None, f"{len(resolvers)} included URL confs for {len(registry)} model admins"


CASES = [case for case, _ in admin_patterns() if case is not None]


def test_every_admin_url_is_placed():
    unplaced = [text for case, text in admin_patterns() if case is None]
    assert not unplaced, f"Place these admin URL patterns in MODEL_KINDS / SITE_KINDS: {unplaced}"


def test_the_sweep_finds_the_admin_urls():
    found = {(c.model, c.kind) for c in CASES}
    # A few anchors, so that an empty or broken walk cannot pass silently.
    for model, kind in ((Result, "history_form"), (GaoRecommendation, "history_form"),
                        (Compact, "delete"), (Contribution, "change"),
                        (Group, "add"), (None, "password_change")):
        assert (model, kind) in found
    assert {c.model for c in CASES if c.model} == set(admin.site._registry)
    assert len(CASES) > 7 * len(admin.site._registry)


# Forms -------------------------------------------------------------------------------------


class _FormReader(html.parser.HTMLParser):
    """The fields a browser would send with each POST form of a page (no files, no
    submit buttons)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            # free: the names of its text inputs and text areas
            self._form = {"id": attrs.get("id") or "", "data": [], "free": set()}
            self.forms.append(self._form)
        if self._form is None or attrs.get("disabled") is not None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind == "text":
                self._form["free"].add(name)
            self._form["data"].append((name, attrs.get("value") or ("on" if kind in (
                "checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._form["data"].append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self._form["free"].add(name)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form["data"].append(tuple(self._textarea))
            self._textarea = None


class FormData(dict):
    """A form's fields (name: values), knowing which of them are free text."""

    free_text: frozenset = frozenset()


def form_data(content: bytes) -> FormData:
    """The data of the page's main form (an admin form's id ends in ``_form``)."""
    reader = _FormReader()
    reader.feed(content.decode())
    forms = [f for f in reader.forms if f["id"].endswith("_form")] or [
        f for f in reader.forms if f["id"] != "logout-form"]
    data = FormData()
    if not forms:
        return data
    data.free_text = frozenset(forms[0]["free"])
    for name, value in forms[0]["data"]:
        data.setdefault(name, []).append(value.lstrip("\n") if value else value)
    return data


def _one_field_changed(data: FormData) -> dict:
    """The form with its first free-text field of the record itself (not of an inline)
    changed, as someone editing it would send it."""
    changed = dict(data)
    for name, values in data.items():
        if name in data.free_text and "-" not in name and len(values) == 1:
            changed[name] = [values[0] + " (changed in the sweep)"]
            break
    return changed


# The world ---------------------------------------------------------------------------------


def _staff(user):
    user.is_staff = True  # admin access: every role reaches the admin's own checks
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def sweep_users(ghana):
    implementer = _staff(UserFactory(username="implementer.gh"))
    services.user_assign_role(user=implementer, role=IMPLEMENTER,
                              implementers=[ImplementerFactory(name="Sweep implementer")])
    officer = _staff(UserFactory(username="officer.gh"))
    services.user_assign_role(user=officer, role=EMBASSY_OFFICER, countries=[ghana])
    auditor = _staff(UserFactory(username="auditor"))
    services.user_assign_role(user=auditor, role=AUDITOR)
    staff = _staff(UserFactory(username="tip.staff"))
    services.user_assign_role(user=staff, role=TIP_STAFF)
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    return {"anonymous": None, "no_role": _staff(UserFactory(username="nobody")),
            "officer": officer, "implementer": implementer, "auditor": auditor,
            "staff": staff, "superuser": superuser}


@pytest.fixture
def world(ghana, sweep_users, private_storage):
    """An object of every model the admin shows, in the officer's and the implementer's
    own compact (Ghana), so that scope alone refuses nothing."""
    implementer = sweep_users["implementer"]
    objects = build_world(ghana, StandardIndicatorFactory(code="ADMIN-SWEEP"),
                          implementer=implementer.profile.implementers.get())
    compact = objects[Compact]
    objects[FiscalYearLock] = FiscalYearLock.objects.create(
        compact=compact, fiscal_year=2024, state="unlocked", reason="Correcting a figure",
        changed_by=sweep_users["staff"], changed_at=timezone.now())
    objects[ReminderLog] = ReminderLog.objects.create(
        kind=ReminderLog._meta.get_field("kind").choices[0][0], object_id=1,
        due_on=timezone.localdate(), compact=compact, recipients="officer@example.org",
        status="failed", last_error="554 refused")
    objects[Token] = Token.objects.create(user=sweep_users["officer"])
    objects[AccessAttempt] = AccessAttempt.objects.create(
        username="someone", ip_address="192.0.2.1", user_agent="sweep", failures_since_start=1)
    objects[AccessLog] = AccessLog.objects.create(username="someone", ip_address="192.0.2.1",
                                                  user_agent="sweep")
    objects[AccessFailureLog] = AccessFailureLog.objects.create(
        username="someone", ip_address="192.0.2.1", user_agent="sweep", locked_out=False)
    objects[type(sweep_users["officer"])] = sweep_users["officer"]
    objects[type(sweep_users["officer"].profile)] = sweep_users["officer"].profile
    objects[Group] = Group.objects.get(name=EMBASSY_OFFICER)
    # Signing in: a second factor (an authenticator app, recovery codes) and a federated
    # identity's link.
    objects[TOTPDevice] = TOTPDevice.objects.create(
        user=sweep_users["officer"], name="Authenticator app", confirmed=True)
    objects[StaticDevice] = StaticDevice.objects.create(
        user=sweep_users["officer"], name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=objects[StaticDevice], token="sweep123")
    objects[FederatedIdentity] = FederatedIdentity.objects.create(
        issuer="https://idp.example.org", subject="sweep-officer", user=sweep_users["officer"])
    # A second version of every record, so that each history form shows an earlier one.
    for model, obj in list(objects.items()):
        if hasattr(obj, "history") and model in admin.site._registry:
            obj.save()
    return objects


def _object(world, model):
    obj = world.get(model)
    if obj is None:
        proxy_of = model._meta.concrete_model
        obj = world.get(proxy_of)
    if obj is None:
        obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"build a {model.__name__} in the sweep's world"
    return obj


@dataclass
class Attempt:
    case: Case
    url: str
    body: dict
    what: str  # which body, for messages
    obj: object = None
    action: str | None = None


def _admin_name(model, kind):
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{kind}"


def plan(world, superuser) -> list[Attempt]:
    """Every POST of the sweep, its body read from the pages as a superuser sees them."""
    reader = Client()
    reader.force_login(superuser)
    attempts = []
    factory = RequestFactory()
    for case in CASES:
        model = case.model
        if model is None:
            attempts.extend(_site_attempts(case, world))
            continue
        obj = _object(world, model)
        pk = obj.pk
        model_admin = admin.site._registry[model]
        if case.kind == "changelist":
            url = reverse(_admin_name(model, "changelist"))
            request = factory.get(url)
            request.user = superuser
            ids = [str(p) for p in model._default_manager.values_list("pk", flat=True)]
            for action in model_admin.get_actions(request):
                attempts.append(Attempt(case, url, {"action": action, "_selected_action": ids,
                                                    "post": "yes", "index": "0"},
                                        f"action {action} on every row", obj, action))
            attempts.append(Attempt(case, url, {}, "an empty body", obj))
        elif case.kind == "add":
            url = reverse(_admin_name(model, "add"))
            data = form_data(reader.get(url).content)
            # The existing record's values where the add form has the same field: a
            # near-copy of it, which a form can accept.
            change = form_data(reader.get(reverse(_admin_name(model, "change"),
                                                  args=[pk])).content)
            data.update({k: v for k, v in change.items() if k in data and "-" not in k})
            data.free_text = data.free_text | change.free_text
            attempts.append(Attempt(case, url, _one_field_changed(data) | {"_save": ["Save"]},
                                    "the add form, filled in", obj))
        elif case.kind == "change":
            url = reverse(_admin_name(model, "change"), args=[pk])
            data = form_data(reader.get(url).content)
            attempts.append(Attempt(case, url, _one_field_changed(data) | {"_save": ["Save"]},
                                    "the change form, one field changed", obj))
        elif case.kind == "delete":
            attempts.append(Attempt(case, reverse(_admin_name(model, "delete"), args=[pk]),
                                    {"post": "yes"}, "the delete confirmation", obj))
        elif case.kind == "history":
            attempts.append(Attempt(case, reverse(_admin_name(model, "history"), args=[pk]),
                                    {}, "an empty body", obj))
        elif case.kind == "history_form":
            version = obj.history.order_by("history_date").first()
            url = reverse(f"admin:{case.name}", args=[pk, version.history_id])
            page = reader.get(url)
            assert page.status_code == 200, f"{url}: {page.status_code}"
            attempts.append(Attempt(case, url, {}, "an empty body (revert)", obj))
            attempts.append(Attempt(case, url, form_data(page.content) | {"_save": ["Save"]},
                                    "the past version's form (revert)", obj))
        elif case.kind == "password":
            url = reverse(f"admin:{case.name}", args=[pk])
            attempts.append(Attempt(case, url, {"password1": "A-new-pass-phrase-7",
                                                "password2": "A-new-pass-phrase-7",
                                                "usable_password": "true"},
                                    "a new password", obj))
        elif case.kind == "page":
            url = reverse(f"admin:{case.name}", args=[pk])
            attempts.append(Attempt(case, url, {}, "an empty body", obj))
        elif case.kind == "redirect":
            url = reverse(_admin_name(model, "changelist")) + f"{pk}/"
            attempts.append(Attempt(case, url, {}, "an empty body", obj))
        else:  # pragma: no cover - every kind of MODEL_KINDS is planned above
            raise AssertionError(case)
    # Signing out last: the other POSTs are made signed in.
    return sorted(attempts, key=lambda a: a.case.kind == "logout")


def _site_attempts(case, world):
    if case.kind == "catch_all":
        return [Attempt(case, "/admin/no-such-page/", {}, "an empty body")]
    if case.kind == "app_list":
        return [Attempt(case, reverse("admin:app_list", kwargs={"app_label": label}), {},
                        "an empty body")
                for label in sorted({m._meta.app_label for m in admin.site._registry})]
    if case.kind == "view_on_site":
        from django.contrib.contenttypes.models import ContentType

        compact = world[Compact]
        return [Attempt(case, reverse("admin:view_on_site", args=[
            ContentType.objects.get_for_model(Compact).pk, compact.pk]), {}, "an empty body")]
    body = {"login": {"username": "root", "password": "wrong password"},
            "password_change": {"old_password": "wrong", "new_password1": "A-new-pass-7x",
                                "new_password2": "A-new-pass-7x"}}.get(case.kind, {})
    return [Attempt(case, reverse(f"admin:{case.name}"), body, "a plausible body")]


# The sweep ---------------------------------------------------------------------------------


def _may_write(attempt: Attempt, user) -> bool:
    """Whether the admin grants ``user`` the write this POST asks for."""
    case = attempt.case
    if case.model is None or case.kind in ("history", "history_form", "redirect"):
        return False
    model_admin = admin.site._registry[case.model]
    request = RequestFactory().post(attempt.url)
    request.user = user
    if case.kind == "add":
        return model_admin.has_add_permission(request)
    if case.kind == "delete" or attempt.action == "delete_selected":
        return model_admin.has_delete_permission(request, attempt.obj)
    if case.kind in ("change", "password", "changelist"):
        return model_admin.has_change_permission(request, attempt.obj)
    return False


def _post(client, attempt: Attempt, base: dict):
    """POST ``attempt`` in a savepoint rolled back afterwards. Returns the response (or the
    exception) and the tables that differ from ``base``, compared whole only when
    PostgreSQL counted a row written."""
    with transaction.atomic():
        counts = write_counts()
        try:
            response = client.post(attempt.url, attempt.body)
        except Exception as error:  # a 500: a finding, reported below
            response = error
        written = written_tables(counts, write_counts())
        changed = changed_tables(base, snapshot(None)) if written else []
        transaction.set_rollback(True)
    return response, changed


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _describe(attempt, response):
    status = getattr(response, "status_code", repr(response))
    return f"POST {attempt.url} ({attempt.case}, {attempt.what}): {status}"


READ_ONLY_ROLES = ["anonymous", "no_role", "officer", "implementer", "auditor"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_the_admin_changes_nothing_for(role, sweep_users, world):
    attempts = plan(world, sweep_users["superuser"])
    client = _client(sweep_users[role])
    base = snapshot(None)
    failures = []
    for attempt in attempts:
        response, changed = _post(client, attempt, base)
        if isinstance(response, Exception) or response.status_code >= 500:
            failures.append(_describe(attempt, response))
        elif changed:
            failures.append(f"{_describe(attempt, response)} changed {changed}")
        elif attempt.case.model is not None and (role == "anonymous") != (
                response.status_code == 302 and response["Location"].startswith(ADMIN_LOGIN)):
            # Anonymous: sent to sign in; anyone else: answered (never signed out midway).
            failures.append(f"{_describe(attempt, response)}: "
                            f"{response.get('Location', 'no redirect')}")
    assert len(attempts) > 200
    assert not changed_tables(base, snapshot(None))
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_tip_staff_write_only_what_the_admin_grants(sweep_users, world):
    staff = sweep_users["staff"]
    attempts = [a for a in plan(world, sweep_users["superuser"])
                if not (a.case.model in OVERSIGHT_MODELS and (
                    a.case.kind == "delete" or a.action == "delete_selected"))]
    client = _client(staff)
    base = snapshot(None)
    failures, wrote = [], []
    for attempt in attempts:
        response, changed = _post(client, attempt, base)
        if isinstance(response, Exception) or response.status_code >= 500:
            failures.append(_describe(attempt, response))
        elif changed and not _may_write(attempt, staff):
            failures.append(f"{_describe(attempt, response)} changed {changed}")
        elif changed:
            wrote.append(attempt)
        elif response.get("Location", "").startswith(ADMIN_LOGIN):
            failures.append(f"{_describe(attempt, response)}: signed out midway")
    # The bodies are plausible: staff's changes through the forms do go through.
    assert {a.case.model for a in wrote if a.case.kind == "change"} >= {
        Compact, Indicator, Contribution, Award, GuidanceDocument}
    assert not any(a.case.model._meta.app_label in ("auth", "authtoken", "axes")
                   for a in wrote)
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_no_one_reverts_history_in_the_admin(sweep_users, world):
    """The superuser too: a past version is read, never saved back."""
    attempts = [a for a in plan(world, sweep_users["superuser"])
                if a.case.kind == "history_form"]
    failures = []
    for role in ("staff", "superuser"):
        client = _client(sweep_users[role])
        base = snapshot(None)
        for attempt in attempts:
            response, changed = _post(client, attempt, base)
            status = getattr(response, "status_code", None)
            if status != 403 or changed:
                failures.append(f"{role}: {_describe(attempt, response)} changed {changed}")
    assert len(attempts) >= 2 * len([m for m, a in admin.site._registry.items()
                                     if hasattr(a, "history_form_view")])
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [
    pytest.param(m, id=m._meta.label) for m in OVERSIGHT_MODELS])
def test_tip_staff_cannot_delete_oversight_records_in_the_admin(model, sweep_users, world):
    staff = sweep_users["staff"]
    obj = _object(world, model)
    changelist = reverse(_admin_name(model, "changelist"))
    ids = [str(p) for p in model._default_manager.values_list("pk", flat=True)]
    attempts = [
        Attempt(Case("delete", model), reverse(_admin_name(model, "delete"), args=[obj.pk]),
                {"post": "yes"}, "the delete confirmation", obj),
        Attempt(Case("changelist", model), changelist,
                {"action": "delete_selected", "_selected_action": ids, "post": "yes",
                 "index": "0"}, "delete_selected on every row", obj, "delete_selected"),
    ]
    client = _client(staff)
    base = snapshot(None)
    failures = []
    for attempt in attempts:
        response, changed = _post(client, attempt, base)
        if isinstance(response, Exception) or response.status_code >= 500 or changed:
            failures.append(f"{_describe(attempt, response)} changed {changed}")
    assert not failures, "\n".join(failures)


def test_the_form_reader_reads_what_a_browser_sends():
    page = (b'<form id="logout-form" method="post"><input name="x" value="1"></form>'
            b'<form id="thing_form" method="post"><input name="title" value="Old">'
            b'<input type="checkbox" name="flag"><input type="checkbox" name="on" checked>'
            b'<select name="country"><option value="1">A</option>'
            b'<option value="2" selected>B</option></select>'
            b'<textarea name="note">\nSome text</textarea><input type="submit" name="_save">'
            b'</form>')
    data = form_data(page)
    assert data == {"title": ["Old"], "on": ["on"], "country": ["2"], "note": ["Some text"]}
    assert data.free_text == {"title", "note"}
    assert _one_field_changed(data)["title"] == ["Old (changed in the sweep)"]
    assert _one_field_changed(FormData(country=["2"]))["country"] == ["2"]
