"""The REST API (Django REST framework) and its OpenAPI schema (drf-spectacular). Imported by
``base``."""

from .environment import env
from .security import TRUSTED_PROXY_COUNT

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cpc.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cpc.access.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "cpc.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["cpc.access.filters.ScopedFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "cpc.api.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "cpc.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Password guessing through the token endpoint is slowed down (per client address).
    "DEFAULT_THROTTLE_RATES": {"auth-token": env("API_TOKEN_RATE", default="20/minute")},
    # The client address is X-Forwarded-For only as far as our own proxies wrote it.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# A JSON body nested deeper than this is a 400 before it is decoded (cpc/api/parsers.py): the
# decoder recursed once per level, and 1,500 levels were a 500.
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)
SPECTACULAR_SETTINGS = {
    "TITLE": "CPC Oversight API",
    "DESCRIPTION": (
        "Oversight of Child Protection Compact Partnerships: partner countries, compacts, "
        "awards, indicators, annual dialogues, partner contributions and oversight reports."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs page describe every endpoint and field: for signed-in users
    # with a role (anonymous: 401; no role: 403), like the API itself.
    "SERVE_PERMISSIONS": ["cpc.access.permissions.RolePermission"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Serve the docs page's assets ourselves: no third-party CDN on a government site.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Without deep links: Swagger UI then renders each operation's path, inside the button
    # that opens the operation, as text rather than as a link (a link inside a button is an
    # interactive control nested in another, which keyboards and screen readers cannot
    # reach reliably). The address bar does not follow the operation opened.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    # The error answers (400/401/403/404/409/412) and If-Match, declared for every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cpc.api.schema.declare_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "PillarEnum": "compacts.models.Pillar",
        "TierEnum": "compacts.models.Tier",
        "ReportKindEnum": "reports.models.ReportKind",
        "ContributionKindEnum": "contributions.models.ContributionKind",
        "ImplementerKindEnum": "compacts.models.ImplementerKind",
        "GaoRecommendationStatusEnum": "oversight.models.RecommendationStatus",
    },
}
