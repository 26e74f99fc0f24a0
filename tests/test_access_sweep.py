"""Access sweep: every URL of the project, generated from the URL conf, against every role.

The cases are enumerated from ``django.urls.get_resolver()`` (the DRF routers of each app's
``api_urls.py`` and the pages of each app's ``urls.py``), so a new endpoint or page is swept
automatically. A page whose URL carries an object id must say which model that id names in
``PAGE_OBJECTS`` below (API routes find it from their serializer); until it does,
``test_every_route_is_swept`` fails and names it.

For each route:
  (a) anonymous: 401 from the API, a redirect to the login page from a page;
  (b) auditor: every write method is refused (403, or 405 where the method does not exist)
      and the database does not change;
  (c) an embassy officer of Ghana: every route naming a Peru object is a 404 (GET), and a write
      answers exactly as it would for an id that does not exist (so nothing leaks), while the
      same route with the Ghana object is not a 404 (the URL is real);
  (d) a signed-in user without a role: 403;
  (e) TIP staff: a GET never writes and never fails;
  (f) an implementer holding an award in Ghana's compact: the same 404s as (c) for Peru's
      objects, and every write outside results of their award's indicators refused with the
      database unchanged.
Whole-program files without an id (the IATI activity file) state the answer each role gets
in ``ROLE_ANSWERS``.
Every app is swept, reports included; only the Django admin (tested in tests/*/test_admin.py)
and the public routes below are left out, each named. ``test_every_route_is_accounted_for``
fails on any route of the resolver that the sweep cannot place.
"""

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from compacts import services
from compacts.models import (
    Award,
    Compact,
    Extension,
    GuidanceDocument,
    Implementer,
    Objective,
    PartnerCountry,
    TierRanking,
)
from contributions.models import Contribution, FollowUp, Measure, SustainabilityPlan
from cpc.access.roles import IMPLEMENTER
from dialogues.models import (
    ActionItem,
    Dialogue,
    DialogueAttachment,
    Discussion,
    Participant,
    TargetProposal,
)
from indicators.models import (
    Disaggregation,
    Indicator,
    Result,
    ResultDocument,
    StandardIndicator,
    Target,
)
from notifications.models import Notification
from oversight.models import GaoAgencyAction, GaoRecommendation
from reports.models import ReportJob
from tests.compacts.factories import (
    AwardFactory,
    CompactFactory,
    ExtensionFactory,
    GuidanceDocumentFactory,
    ImplementerFactory,
    ObjectiveFactory,
    TierRankingFactory,
    UserFactory,
)
from tests.contributions.factories import (
    ContributionFactory,
    FollowUpFactory,
    MeasureFactory,
    SustainabilityPlanFactory,
)
from tests.database import changed_tables, snapshot
from tests.dialogues.factories import (
    ActionItemFactory,
    DialogueFactory,
    DiscussionFactory,
    ParticipantFactory,
    TargetProposalFactory,
)
from tests.indicators.factories import (
    DisaggregationFactory,
    IndicatorFactory,
    ResultFactory,
    StandardIndicatorFactory,
    TargetFactory,
)
from tests.reports.factories import ReportJobFactory

LOGIN_URL = "/accounts/login/"
WRITE_METHODS = ("post", "put", "patch", "delete")
MISSING_ID = 999_999

# Left out of the sweep, each for a stated reason.
EXCLUDED_PREFIXES = (
    "admin/",        # Django admin: scoped by cpc.access.admin.ScopedAdmin, see test_admin.py
    "files/",        # a private file's URL: hands over to the download views swept here,
                     # after the same scoping; see tests/test_admin_files.py
)
PUBLIC_ROUTES = {
    "accounts/login/",   # must be reachable to sign in
    "accounts/logout/",  # signs out whoever calls it; no data
    # Signing in, the rest of it: a person's own second factor and signing in again, for
    # every signed-in user whatever the role (no program data); anonymous is sent to sign
    # in. See tests/accounts.
    "accounts/mfa/",
    "accounts/mfa/verify/",
    "accounts/mfa/enrol/",
    "accounts/mfa/remove/",
    "accounts/reauth/",
    "accounts/oidc/login/",     # federated sign-in: off to the identity provider (404 when off)
    "accounts/oidc/callback/",  # back from it; signs in only an account TIP staff created
    "api/v1/auth/token/",  # exchanges a username and password for a token (AllowAny)
    "healthz",           # load balancers' health check: component status, no data
    "favicon.ico",       # a redirect to the static icon
}
# Program-wide records every role reads; they have no country, hence no scope test (c).
UNSCOPED_MODELS = {StandardIndicator, GuidanceDocument, GaoRecommendation, GaoAgencyAction}
# Lists of the audit trail, read by TIP staff and auditors alone (ROLE_ANSWERS below).
STAFF_AND_AUDITOR_LISTS = {"audit-event-list"}

# For pages: which model each object id in the URL (or query string) names.
PAGE_OBJECTS = {
    "compacts:guidance-document": {"pk": GuidanceDocument},
    "compacts:award-finances": {"pk": Award},
    "compacts:finance-import": {"pk": Compact},
    "compacts:finance-csv": {"pk": Compact},
    "oversight:gao-action-add": {"pk": GaoRecommendation},
    "oversight:gao-status-change": {"pk": GaoRecommendation},
    "oversight:gao-action-evidence": {"pk": GaoAgencyAction},
    "oversight:compact-detail": {"pk": Compact},
    "oversight:fiscal-year-decision": {"pk": Compact},
    "contributions:compact-contributions": {"pk": Compact},
    "contributions:contribution-verify": {"pk": Compact, "contribution_pk": Contribution},
    "contributions:contribution-evidence": {"pk": Compact, "contribution_pk": Contribution},
    "contributions:export": {"pk": Compact},
    "contributions:import": {"pk": Compact},
    "contributions:plan": {"pk": Compact},
    "contributions:plan-save": {"pk": Compact},
    "contributions:plan-move": {"pk": Compact},
    "contributions:measure-add": {"pk": Compact},
    "contributions:measure-edit": {"pk": Compact, "measure_pk": Measure},
    "contributions:evidence": {"pk": Contribution},
    "contributions:plan-document": {"pk": SustainabilityPlan},
    "dialogues:dialogue-detail": {"pk": Dialogue},
    "dialogues:dialogue-log": {"pk": Dialogue},
    "dialogues:preparation-pack": {"pk": Dialogue},
    "dialogues:dialogue-printable": {"pk": Dialogue},
    "dialogues:dialogue-move": {"pk": Dialogue},
    "dialogues:dialogue-reopen": {"pk": Dialogue},
    "dialogues:record-prepare": {"pk": Dialogue},
    "dialogues:record-hold": {"pk": Dialogue},
    "dialogues:record-outcomes": {"pk": Dialogue},
    "dialogues:record-close": {"pk": Dialogue},
    "dialogues:attachment": {"pk": DialogueAttachment},
    "dialogues:target-proposals": {"compact_id": Compact},
    "dialogues:target-proposal-accept": {"pk": TargetProposal},
    "dialogues:target-proposal-reject": {"pk": TargetProposal},
    "indicators:compact-indicators": {"compact_id": Compact},
    "indicators:data-entry": {"compact_id": Compact},
    "indicators:bulk-upload": {"compact_id": Compact},
    "indicators:bulk-template": {"compact_id": Compact},
    "indicators:result-approve": {"compact_id": Compact, "result_id": Result},
    "indicators:result-return": {"compact_id": Compact, "result_id": Result},
    "indicators:result-documents": {"compact_id": Compact, "result_id": Result},
    "indicators:result-document": {"pk": ResultDocument},
    "indicators:indicator-table-csv": {"compact_id": Compact},
    "indicators:indicator-table-xlsx": {"compact_id": Compact},
    "reports:report-download": {"pk": ReportJob},
    "reports:report-rerun": {"pk": ReportJob},
    "notifications:open": {"pk": Notification},
    **{f"audit:{kind}-history{suffix}": {"pk": model}
       for kind, model in (("compact", Compact), ("indicator", Indicator), ("target", Target),
                           ("result", Result), ("dialogue", Dialogue),
                           ("contribution", Contribution), ("plan", SustainabilityPlan))
       for suffix in ("", "-csv")},
}
# Requesting reports is the auditors' one write (API contract): these routes let them.
AUDITOR_WRITES = {"report-list", "report-rerun", "report-verify", "reports:report-center",
                  "reports:report-rerun"}
# Everyone, auditors included, marks their own notifications read and chooses their kinds:
# personal state, not program data (each person reaches only their own; tests/notifications).
PERSONAL_WRITES = {"notifications:mark-all-read", "notifications:open",
                   "notifications:preferences"}
# Implementers record results and attach their source documents (their awards' indicators
# only, checked by the services): these routes may write for them; every other route not.
IMPLEMENTER_WRITES = {"result-list", "result-detail", "result-documents",
                      "indicators:data-entry", "indicators:bulk-upload",
                      "indicators:result-documents"}
# Pages that take their object from the query string rather than the path.
PAGE_QUERY_OBJECTS = {"dialogues:dialogue-new": {"compact": Compact}}
# API views without a serializer model: which model their ``pk`` names.
API_OBJECTS = {"compact-compliance": {"pk": Compact},
               "compact-lock-fiscal-year": {"pk": Compact},
               "compact-unlock-fiscal-year": {"pk": Compact},
               "dialogue-attachment-file": {"pk": Dialogue,
                                            "attachment_pk": DialogueAttachment},
               "result-document-file": {"pk": Result, "document_pk": ResultDocument}}
# URL arguments that are not ids: every value the pattern accepts.
WORD_ARGUMENTS = {"move": ("hold", "close", "request", "receive", "accept"),
                  "fmt": ("csv", "xlsx"),
                  "fiscal_year": ("2024", "2026"),  # year locks: a locked and an open year
                  "decision": ("lock", "unlock")}


# Routes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, for messages
    name: str
    callback: object = field(compare=False)
    arguments: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    def methods(self) -> set[str]:
        """The HTTP methods the view answers (lower case), HEAD and OPTIONS left out."""
        actions = getattr(self.callback, "actions", None)
        if actions is not None:  # a DRF viewset route: exactly its mapped methods
            return set(actions)
        cls = self.view_class
        allowed = set(getattr(cls, "http_method_names", ()))
        return {m for m in ("get", "post", "put", "patch", "delete")
                if m in allowed and hasattr(cls, m)}

    def objects(self) -> dict[str, type] | None:
        """Which model each id argument names; None when the sweep cannot tell."""
        ids = [a for a in self.arguments if a not in WORD_ARGUMENTS]
        if self.is_api:
            if self.name in API_OBJECTS:
                return API_OBJECTS[self.name]
            serializer = getattr(self.view_class, "serializer_class", None)
            model = getattr(getattr(serializer, "Meta", None), "model", None)
            if ids == ["pk"] and model is not None:
                return {"pk": model}
            return {} if not ids else None
        if self.name in PAGE_QUERY_OBJECTS:
            return PAGE_QUERY_OBJECTS[self.name]
        if not ids:
            return {}
        return PAGE_OBJECTS.get(self.name)

    def urls(self, world: dict, *, missing: bool = False) -> list[str]:
        """Concrete URLs for the objects of ``world`` (or for ids that do not exist)."""
        objects = self.objects() or {}
        ids = {arg: (MISSING_ID if missing else world[model].pk)
               for arg, model in objects.items()}
        query = ""
        if self.name in PAGE_QUERY_OBJECTS:
            query = "?" + "&".join(f"{arg}={ids.pop(arg)}" for arg in list(ids))
        words = [a for a in self.arguments if a in WORD_ARGUMENTS]
        urls = []
        for values in itertools.product(*(WORD_ARGUMENTS[w] for w in words)):
            kwargs = ids | dict(zip(words, values, strict=True))
            try:
                urls.append(reverse(self.name, kwargs=kwargs) + query)
            except NoReverseMatch:  # a value this pattern does not accept
                continue
        return urls


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        arguments = tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            space = namespace
            if pattern.namespace:
                space = f"{namespace}{pattern.namespace}:"
            for child in _walk(pattern.url_patterns, route, space):
                yield Route(child.route, child.name, child.callback,
                            arguments + child.arguments)
        elif isinstance(pattern, URLPattern):
            yield Route(route, f"{namespace}{pattern.name}", pattern.callback, arguments)


def project_routes() -> list[Route]:
    routes = []
    for route in _walk(get_resolver().url_patterns):
        if route.route.startswith(EXCLUDED_PREFIXES) or route.route in PUBLIC_ROUTES:
            continue
        if "format" in route.arguments:  # DRF's ``.json`` suffix twins of the same views
            continue
        routes.append(route)
    return routes


ROUTES = project_routes()
ROUTE_IDS = [r.route for r in ROUTES]


# Data ----------------------------------------------------------------------------------------


def build_world(country: PartnerCountry, standard: StandardIndicator,
                implementer: Implementer | None = None) -> dict:
    """One object of every kind for ``country``; its indicator is reported under its award
    (of ``implementer`` when given)."""
    compact = CompactFactory(country=country)
    indicator = IndicatorFactory(compact=compact, standard=standard)
    award = AwardFactory(compact=compact, **({"implementer": implementer} if implementer else {}))
    indicator.awards.add(award)
    result = ResultFactory(indicator=indicator, fiscal_year=2023, status="submitted")
    dialogue = DialogueFactory(compact=compact)
    contribution = ContributionFactory(
        compact=compact, evidence=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence"))
    plan = SustainabilityPlanFactory(
        compact=compact, document=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"))
    return {
        PartnerCountry: country,
        TierRanking: TierRankingFactory(country=country),
        Compact: compact,
        Extension: ExtensionFactory(compact=compact),
        Objective: ObjectiveFactory(compact=compact),
        Award: award,
        StandardIndicator: standard,
        Indicator: indicator,
        Target: TargetFactory(indicator=indicator, fiscal_year=2024),
        Result: result,
        ResultDocument: ResultDocument.objects.create(
            result=result, file=SimpleUploadedFile("source.pdf", b"%PDF-1.4 source")),
        Disaggregation: DisaggregationFactory(result=ResultFactory(
            indicator=indicator, fiscal_year=2024, value=Decimal("10"))),
        Dialogue: dialogue,
        DialogueAttachment: DialogueAttachment.objects.create(
            dialogue=dialogue, kind="agenda",
            file=SimpleUploadedFile("agenda.pdf", b"%PDF-1.4 agenda")),
        Participant: ParticipantFactory(dialogue=dialogue),
        Discussion: DiscussionFactory(dialogue=dialogue, indicator=indicator),
        ActionItem: ActionItemFactory(dialogue=dialogue, due_on=dt.date(2024, 6, 1)),
        TargetProposal: TargetProposalFactory(dialogue=dialogue, indicator=indicator),
        Contribution: contribution,
        SustainabilityPlan: plan,
        Measure: MeasureFactory(plan=plan),
        FollowUp: FollowUpFactory(plan=plan),
        # One version a day (a database constraint): each country's objects take their own.
        GuidanceDocument: GuidanceDocumentFactory(
            effective_from=dt.date(2023, 10, 1) + dt.timedelta(days=country.pk),
            document=SimpleUploadedFile("guidance.pdf", b"%PDF-1.4 guidance")),
        # GAO's record is loaded by a migration; it belongs to no country.
        GaoRecommendation: GaoRecommendation.objects.get(number=4),
        GaoAgencyAction: GaoAgencyAction.objects.create(
            recommendation=GaoRecommendation.objects.get(number=4), date=dt.date(2024, 12, 1),
            description="Sample action", evidence="Sample evidence",
            evidence_file=SimpleUploadedFile("gao-evidence.pdf", b"%PDF-1.4 evidence")),
        # Someone's notification about the country's result: its officer's when the test has
        # one (a route naming it is then not a 404 for them), else another person's.
        Notification: Notification.objects.create(
            recipient=(get_user_model().objects.filter(
                Q(profile__countries=country) | Q(profile__implementers=award.implementer))
                .first() or UserFactory()), kind="result_returned",
            event_key=f"sweep:{country.pk}", subject="Result returned", body="",
            link="/", email_status="not_sent"),
        # Failed, so that re-running it is allowed and nothing here waits for a worker.
        ReportJob: ReportJobFactory(compact=compact, status="failed", error="Sample failure"),
    }


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


@pytest.fixture
def peru_world(peru):
    return build_world(peru, StandardIndicatorFactory(code="SWEEP-1"))


@pytest.fixture
def ghana_world(ghana):
    return build_world(ghana, StandardIndicatorFactory(code="SWEEP-1"))


@pytest.fixture
def ghana_implementer(ghana):
    """An implementer whose organisation holds the award of Ghana's compact (and none in
    Peru's)."""
    user = UserFactory(username="implementer.gh")
    services.user_assign_role(user=user, role=IMPLEMENTER,
                              implementers=[ImplementerFactory(name="Sweep implementer")])
    return user


@pytest.fixture
def ghana_world_of_implementer(ghana, ghana_implementer):
    return build_world(ghana, StandardIndicatorFactory(code="SWEEP-1"),
                       implementer=ghana_implementer.profile.implementers.get())


# The users of test (c) and (f), and the Ghana world each of them works in.
SCOPED_USERS = {"officer": ("ghana_officer", "ghana_world"),
                "implementer": ("ghana_implementer", "ghana_world_of_implementer")}


def client_for(route: Route, user=None):
    client = APIClient() if route.is_api else Client()
    if user is not None:
        client.force_login(user)
    return client


def call(client, method: str, url: str):
    if method == "get":
        return client.get(url)
    # Empty bodies: enough for any write the server wrongly lets through to change a row.
    if isinstance(client, APIClient):
        return getattr(client, method)(url, {}, format="json")
    return getattr(client, method)(url, {})


def _fail(failures):
    assert not failures, "\n".join(failures)


# The sweep -----------------------------------------------------------------------------------


def test_the_sweep_finds_the_routes():
    names = {r.name for r in ROUTES}
    # A few anchors, so an empty or broken walk cannot pass silently.
    for name in ("compact-detail", "dialogue-participants", "sustainability-plan-follow-ups",
                 "oversight:compact-detail", "contributions:evidence", "me"):
        assert name in names
    assert len(ROUTES) > 40


def test_every_route_is_accounted_for():
    """Every route of the URL resolver is swept, public by design, or the admin."""
    unplaced = [r.route for r in _walk(get_resolver().url_patterns)
                if "format" not in r.arguments and r.route not in PUBLIC_ROUTES
                and not r.route.startswith(EXCLUDED_PREFIXES) and r not in ROUTES]
    assert not unplaced
    apps_swept = {r.name.split(":")[0] for r in ROUTES if ":" in r.name}
    assert {"compacts", "contributions", "dialogues", "indicators", "oversight",
            "reports"} <= apps_swept
    assert any(r.route.startswith("api/v1/reports/") for r in ROUTES)


def test_every_route_is_swept():
    """A new page with an id in its URL must name the model of that id in PAGE_OBJECTS."""
    unknown = [r.route for r in ROUTES if r.objects() is None]
    assert not unknown, f"Add these routes to PAGE_OBJECTS / API_OBJECTS: {unknown}"
    missing = [r.route for r in ROUTES if not r.urls(
        {m: type("Obj", (), {"pk": 1}) for m in _all_models()})]
    assert not missing, f"These routes could not be reversed: {missing}"


def _all_models():
    return {m for r in ROUTES for m in (r.objects() or {}).values()}


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_anonymous_is_refused(route, peru_world):
    failures = []
    for url in route.urls(peru_world):
        for method in sorted(route.methods()):
            response = call(client_for(route), method, url)
            if route.is_api:
                if response.status_code != 401:
                    failures.append(f"{method.upper()} {url}: {response.status_code}, not 401")
            elif response.status_code != 302 or not response["Location"].startswith(
                    LOGIN_URL):
                failures.append(f"{method.upper()} {url}: {response.status_code}, "
                                "not a redirect to the login page")
    _fail(failures)


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_auditor_writes_nothing(route, auditor_user, peru_world):
    if route.name in AUDITOR_WRITES:
        pytest.skip("auditors request reports (API contract); see tests/reports")
    if route.name in PERSONAL_WRITES:
        pytest.skip("a person's own notifications (read, choices), not program data; "
                    "see tests/notifications")
    methods = route.methods()
    # Pages: every method the view answers apart from GET; the API: every write method.
    tried = WRITE_METHODS if route.is_api else sorted(methods - {"get"})
    failures = []
    before = snapshot()
    for url in route.urls(peru_world):
        for method in tried:
            response = call(client_for(route, auditor_user), method, url)
            expected = {403} if method in methods else {403, 405}
            if response.status_code not in expected:
                failures.append(f"{method.upper()} {url}: {response.status_code}, "
                                f"expected {sorted(expected)}")
    changed = changed_tables(before, snapshot())
    if changed:
        failures.append(f"the auditor's requests changed {changed}")
    _fail(failures)


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_implementer_writes_only_results(route, ghana_implementer, ghana_world_of_implementer):
    if route.name in IMPLEMENTER_WRITES:
        pytest.skip("implementers record results of their awards' indicators; "
                    "see tests/indicators/test_implementers.py")
    if route.name in PERSONAL_WRITES:
        pytest.skip("a person's own notifications (read, choices), not program data; "
                    "see tests/notifications")
    methods = route.methods()
    tried = WRITE_METHODS if route.is_api else sorted(methods - {"get"})
    failures = []
    before = snapshot()
    for url in route.urls(ghana_world_of_implementer):
        for method in tried:
            response = call(client_for(route, ghana_implementer), method, url)
            allowed = {403, 404} | ({405} if method not in methods else set())
            if response.status_code not in allowed:
                failures.append(f"{method.upper()} {url}: {response.status_code}, "
                                f"expected one of {sorted(allowed)}")
    changed = changed_tables(before, snapshot())
    if changed:
        failures.append(f"the implementer's requests changed {changed}")
    _fail(failures)


def _scoped(route: Route) -> bool:
    objects = route.objects() or {}
    return bool(objects) and not set(objects.values()) & UNSCOPED_MODELS


@pytest.mark.parametrize("kind", SCOPED_USERS)
@pytest.mark.parametrize("route", [r for r in ROUTES if _scoped(r)],
                         ids=[r.route for r in ROUTES if _scoped(r)])
def test_scoped_user_gets_404_for_another_countrys_objects(route, kind, request, peru_world):
    user_fixture, world_fixture = SCOPED_USERS[kind]
    user = request.getfixturevalue(user_fixture)
    ghana_world = request.getfixturevalue(world_fixture)
    failures = []
    client = client_for(route, user)
    methods = route.methods()
    tried = ["get", *WRITE_METHODS] if route.is_api else sorted(methods)
    before = snapshot()
    peru_urls = route.urls(peru_world)
    missing_urls = route.urls(peru_world, missing=True)
    for peru_url, missing_url in zip(peru_urls, missing_urls, strict=True):
        for method in tried:
            if method == "get" and "get" not in methods:
                continue
            status = call(client, method, peru_url).status_code
            if method == "get":
                if status != 404:
                    failures.append(f"GET {peru_url}: {status}, not 404")
                continue
            # A write must not tell a Peru id from one that does not exist.
            unknown = call(client, method, missing_url).status_code
            if status != unknown or status not in (403, 404, 405):
                failures.append(f"{method.upper()} {peru_url}: {status} "
                                f"(an unknown id gives {unknown})")
    changed = changed_tables(before, snapshot())
    if changed:
        failures.append(f"the {kind}'s requests on Peru objects changed {changed}")
    if "get" in methods:
        # Control: the same route with the officer's own country is not a 404.
        for url in route.urls(ghana_world):
            status = client.get(url).status_code
            if status == 404:
                failures.append(f"control GET {url} (Ghana) is a 404 too")
    _fail(failures)


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_user_without_role_gets_403(route, no_role_user, ghana_world):
    failures = []
    before = snapshot()
    for url in route.urls(ghana_world):
        for method in sorted(route.methods()):
            status = call(client_for(route, no_role_user), method, url).status_code
            if status != 403:
                failures.append(f"{method.upper()} {url}: {status}, not 403")
    changed = changed_tables(before, snapshot())
    if changed:
        failures.append(f"requests without a role changed {changed}")
    _fail(failures)


@pytest.mark.parametrize("route", [r for r in ROUTES if "get" in r.methods()],
                         ids=[r.route for r in ROUTES if "get" in r.methods()])
def test_get_never_writes(route, staff_user, ghana_world):
    failures = []
    before = snapshot()
    for url in route.urls(ghana_world):
        status = client_for(route, staff_user).get(url).status_code
        if status >= 500 or status in (401, 403):
            failures.append(f"GET {url} as TIP staff: {status}")
    changed = changed_tables(before, snapshot())
    if changed:
        failures.append(f"GET changed {changed}")
    _fail(failures)


def _list_model(route):
    return (route.objects() or {}).get("pk") or getattr(
        getattr(route.view_class.serializer_class, "Meta", None), "model", None)


# Lists of program-wide records (the standard indicator library) have no country to scope by.
SCOPED_LISTS = [r for r in ROUTES if r.is_api and r.name.endswith("-list")
                and r.name not in STAFF_AND_AUDITOR_LISTS
                and _list_model(r) not in (None, *UNSCOPED_MODELS)]


@pytest.mark.parametrize("kind", SCOPED_USERS)
@pytest.mark.parametrize("route", SCOPED_LISTS, ids=[r.route for r in SCOPED_LISTS])
def test_scoped_lists_hold_no_other_country(route, kind, request, peru_world):
    user_fixture, world_fixture = SCOPED_USERS[kind]
    user = request.getfixturevalue(user_fixture)
    ghana_world = request.getfixturevalue(world_fixture)
    model = _list_model(route)
    assert model in peru_world, f"build a Peru {model.__name__} for the sweep"
    response = client_for(route, user).get(route.urls(peru_world)[0] + "?page_size=200")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert peru_world[model].pk not in ids
    assert ghana_world[model].pk in ids


# Whole-program files (no id in the URL): the answer to a GET for each role, stated.
ROLE_ANSWERS = {
    # The IATI activity file: every role reads it, scoped to its countries (below).
    "iati-activities": {None: 401, "no_role_user": 403, "ghana_officer": 200,
                        "ghana_implementer": 200, "auditor_user": 200, "staff_user": 200},
    # The audit trail's auth events and access pages: TIP staff and auditors alone.
    **{name: {None: 401 if name == "audit-event-list" else 302, "no_role_user": 403,
              "ghana_officer": 403, "ghana_implementer": 403, "auditor_user": 200,
              "staff_user": 200}
       for name in ("audit-event-list", "audit:auth-events", "audit:people-history",
                    "audit:access-review", "audit:access-review-csv")},
    # The same file as a download from the compacts page: TIP staff publish it.
    "publishing:iati-download": {None: 302, "no_role_user": 403, "ghana_officer": 403,
                                 "ghana_implementer": 403, "auditor_user": 403,
                                 "staff_user": 200},
}
ROLE_ANSWER_ROUTES = [r for r in ROUTES if r.name in ROLE_ANSWERS]


def test_the_role_answers_name_routes_that_exist():
    assert {r.name for r in ROLE_ANSWER_ROUTES} == set(ROLE_ANSWERS)


@pytest.mark.parametrize("route", ROLE_ANSWER_ROUTES, ids=[r.route for r in ROLE_ANSWER_ROUTES])
def test_each_role_gets_the_stated_answer(route, request, ghana_world_of_implementer,
                                          peru_world):
    failures = []
    users = {who: request.getfixturevalue(who) if who else None for who in ROLE_ANSWERS[route.name]}
    before = snapshot()
    for who, expected in ROLE_ANSWERS[route.name].items():
        url = route.urls(ghana_world_of_implementer)[0]
        status = client_for(route, users[who]).get(url).status_code
        if status != expected:
            failures.append(f"GET {route.route} as {who or 'anonymous'}: {status}, "
                            f"not {expected}")
    changed = changed_tables(before, snapshot())
    if changed:
        failures.append(f"GET changed {changed}")
    _fail(failures)


@pytest.mark.parametrize("who", sorted(SCOPED_USERS))
def test_the_iati_file_holds_no_other_countrys_compact(who, request, peru_world):
    from publishing.iati import activity_identifier

    user_fixture, world_fixture = SCOPED_USERS[who]
    user, world = request.getfixturevalue(user_fixture), request.getfixturevalue(world_fixture)
    response = client_for(ROUTES[0], user).get(reverse("iati-activities"))
    assert response.status_code == 200
    assert activity_identifier(world[Compact]).encode() in response.content
    assert activity_identifier(peru_world[Compact]).encode() not in response.content
    assert b"-CPC-PE-" not in response.content


# Bad input ----------------------------------------------------------------------------------


def _schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _writable_collections():
    """(path, request schema) of every API collection that accepts POST (lists and the
    nested lists such as participants); state moves (approve, hold...) are left out."""
    schema = _schema()
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        if "post" not in operations or "get" not in operations:
            continue
        body = operations["post"].get("requestBody", {}).get("content", {})
        media = body.get("application/json") or next(iter(body.values()), None)
        if not media:
            continue
        ref = media["schema"]["$ref"].rsplit("/", 1)[-1]
        found.append((path, components[ref], components))
    return found


def _resolve(prop, components):
    if "$ref" in prop:
        return components[prop["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in prop:
        return _resolve(prop["allOf"][0], components)
    if "oneOf" in prop:  # nullable enums
        return _resolve(next(p for p in prop["oneOf"] if p), components)
    return prop


GARBAGE = {"nested": [{"garbage": [None, {"deeper": "x"}]}]}


def bad_values(prop: dict) -> list:
    kind, fmt = prop.get("type"), prop.get("format")
    if "enum" in prop:
        return ["no-such-choice", 7, ["protection"], GARBAGE]
    if kind == "integer":
        return ["abc", "12.5", [1], GARBAGE, 10**30]
    if kind == "number" or fmt == "decimal":
        return ["abc", "NaN", "Infinity", "1e400", [1], GARBAGE]
    if fmt == "date":
        return [12345, "2024-02-30", "yesterday", [2024], GARBAGE]
    if fmt == "binary":
        return ["not a file", 12]
    if kind == "boolean":
        return ["maybe", [1], GARBAGE]
    if kind == "array":
        return ["not a list", GARBAGE, [GARBAGE]]
    if kind == "string":
        return [GARBAGE, ["a", "b"], "null \x00 byte"]
    return [GARBAGE]


COLLECTIONS = _writable_collections()
# django-countries reads ``{"code": ...}`` objects by design (its country_dict format), so an
# object for iso_code passes the serializer and the model names the field; the sweep sends
# the other required field along to reach that check.
COMPLETE_WITH = {("/api/v1/countries/", "iso_code"): {"region": "africa"}}


def _concrete(path: str, world: dict) -> str:
    if "{id}" not in path:
        return path
    from django.urls import resolve

    route = next(r for r in ROUTES if r.callback is resolve(path.replace("{id}", "1")).func)
    model = route.objects()["pk"]
    return path.replace("{id}", str(world[model].pk))


@pytest.mark.parametrize("path,body,components", COLLECTIONS,
                         ids=[c[0] for c in COLLECTIONS])
def test_bad_input_is_a_400_naming_the_field(path, body, components, staff_api, ghana_world):
    url = _concrete(path, ghana_world)
    failures = []
    before = snapshot()
    response = staff_api.post(url, {}, format="json")
    if response.status_code != 400 or not response.json():
        failures.append(f"empty body: {response.status_code} {response.content[:200]!r}")
    writable = {name: _resolve(prop, components)
                for name, prop in body.get("properties", {}).items()
                if not prop.get("readOnly")}
    for name, prop in writable.items():
        for value in bad_values(prop):
            payload = COMPLETE_WITH.get((path, name), {}) | {name: value}
            response = staff_api.post(url, payload, format="json")
            detail = response.json() if response.status_code < 500 else None
            if response.status_code != 400 or name not in (detail or {}):
                failures.append(f"{name}={value!r}: {response.status_code} "
                                f"{response.content[:200]!r}")
    changed = changed_tables(before, snapshot())
    if changed:
        failures.append(f"rejected requests changed {changed}")
    _fail(failures)


def test_bad_filters_never_fail(staff_api, ghana_world):
    """Query parameters are input too: nonsense filters are a 400 or an empty list."""
    failures = []
    for route in ROUTES:
        if not (route.is_api and route.name.endswith("-list")):
            continue
        url = route.urls(ghana_world)[0]
        for query in ("compact=abc", f"compact={10**30}", "fiscal_year=abc", "indicator=-1",
                      "status=nonsense", "active_in=99999999999", "page=abc", "page=-1",
                      "page_size=abc", "is_key=maybe", "country=%00"):
            status = staff_api.get(f"{url}?{query}").status_code
            if status not in (200, 400, 404):
                failures.append(f"GET {url}?{query}: {status}")
    _fail(failures)


def _rows(model) -> int:
    return model._default_manager.count()


def test_a_result_whose_parts_do_not_add_up_writes_nothing(staff_api, ghana_world):
    indicator = ghana_world[Indicator]
    before = snapshot()
    response = staff_api.post("/api/v1/results/", {
        "indicator": indicator.pk, "fiscal_year": 2026, "value": "10",
        "disaggregations": [{"sex": "female", "age_group": "12_17", "value": "3"}],
    }, format="json")
    assert response.status_code == 400
    assert "disaggregations" in response.json()
    assert not changed_tables(before, snapshot())


def test_a_dialogue_with_another_compacts_key_indicator_writes_nothing(staff_api, ghana_world,
                                                                      peru_world):
    compact = CompactFactory(country=ghana_world[PartnerCountry], title="Second compact")
    before = snapshot()
    response = staff_api.post("/api/v1/dialogues/", {
        "compact": compact.pk, "fiscal_year": 2025, "scheduled_for": "2025-03-01",
        "format": "in_person", "key_indicators": [peru_world[Indicator].pk],
    }, format="json")
    assert response.status_code == 400
    assert "key_indicators" in response.json()
    assert not changed_tables(before, snapshot())


def test_route_patterns_are_plain():
    """The sweep reverses URLs by name: every swept route has one."""
    assert all(r.name and not re.search(r":None$", r.name) for r in ROUTES)
