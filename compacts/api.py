"""REST endpoints for countries, tier rankings, compacts, extensions, awards and /me/."""

import django_filters
from django.contrib.auth.models import update_last_login
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from cpc import reauth
from cpc.access import scoping
from cpc.access.api import ListRetrieveCreateUpdateViewSet
from cpc.access.filters import ScopedFilterSet
from cpc.api.authentication import ExpiringTokenAuthentication, token_issue, token_revoke
from cpc.api.conditional import ConditionalMixin
from cpc.api.history import HistoryMixin
from cpc.fiscal import is_fiscal_year

from . import selectors, services, year_locks
from .finance_api import AwardFinancesMixin
from .models import Compact, CompactStatus
from .serializers import (
    AwardSerializer,
    CompactSerializer,
    CountrySerializer,
    ExtensionSerializer,
    FiscalYearStateSerializer,
    GuidanceDocumentSerializer,
    MeSerializer,
    TierRankingSerializer,
    YearLockReasonSerializer,
)


class CountryViewSet(HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = CountrySerializer
    filterset_fields = ["region"]

    def get_queryset(self):
        return selectors.country_list(user=self.request.user)

    @extend_schema(request=TierRankingSerializer, responses=TierRankingSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="tier-rankings", filter_backends=[])
    def tier_rankings(self, request, pk=None):
        country = self.get_object()
        if request.method == "POST":
            serializer = TierRankingSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            ranking = services.tier_ranking_create(user=request.user, country=country,
                                                   **serializer.validated_data)
            return Response(TierRankingSerializer(ranking).data, status=status.HTTP_201_CREATED)
        rankings = selectors.tier_ranking_list(user=request.user, country=country)
        page = self.paginate_queryset(rankings)
        return self.get_paginated_response(TierRankingSerializer(page, many=True).data)


class CompactFilter(ScopedFilterSet):
    country = django_filters.ModelChoiceFilter(queryset=selectors.every_country())
    status = django_filters.ChoiceFilter(choices=CompactStatus.choices)
    active_in = django_filters.NumberFilter(
        method="filter_active_in", label="Active in fiscal year"
    )

    class Meta:
        model = Compact
        fields = ["country", "status", "active_in"]

    def filter_active_in(self, queryset, name, value):
        if value != int(value) or not is_fiscal_year(int(value)):
            return queryset.none()
        return queryset.active_in(int(value))


class CompactViewSet(HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = CompactSerializer
    filterset_class = CompactFilter

    def get_queryset(self):
        return selectors.compact_list(user=self.request.user)

    @extend_schema(request=ExtensionSerializer, responses=ExtensionSerializer(many=True))
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def extensions(self, request, pk=None):
        compact = self.get_object()
        if request.method == "POST":
            serializer = ExtensionSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            extension = services.extension_create(user=request.user, compact=compact,
                                                  **serializer.validated_data)
            return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.extension_list(user=request.user,
                                                               compact=compact))
        return self.get_paginated_response(ExtensionSerializer(page, many=True).data)

    @extend_schema(responses=FiscalYearStateSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="fiscal-years", filter_backends=[])
    def fiscal_years(self, request, pk=None):
        """Each fiscal year of the compact's term and whether it is locked."""
        compact = self.get_object()
        page = self.paginate_queryset(year_locks.year_states(compact))
        return self.get_paginated_response(
            FiscalYearStateSerializer([vars(s) for s in page], many=True).data)

    def _year_decision(self, request, fiscal_year, decide, *, recent_sign_in=False):
        compact = self.get_object()
        if recent_sign_in:
            reauth.api_require_recent_auth(request)
        serializer = YearLockReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        state = decide(user=request.user, compact=compact, fiscal_year=int(fiscal_year),
                       reason=serializer.validated_data.get("reason", ""))
        return Response(FiscalYearStateSerializer(vars(state)).data)

    @extend_schema(request=YearLockReasonSerializer, responses=FiscalYearStateSerializer)
    @action(detail=True, methods=["post"], filter_backends=[],
            url_path=r"fiscal-years/(?P<fiscal_year>[0-9]{4})/lock")
    def lock_fiscal_year(self, request, pk=None, fiscal_year=None):
        """TIP staff lock a fiscal year (reason optional)."""
        return self._year_decision(request, fiscal_year, year_locks.fiscal_year_lock)

    @extend_schema(request=YearLockReasonSerializer, responses=FiscalYearStateSerializer)
    @action(detail=True, methods=["post"], filter_backends=[],
            url_path=r"fiscal-years/(?P<fiscal_year>[0-9]{4})/unlock")
    def unlock_fiscal_year(self, request, pk=None, fiscal_year=None):
        """TIP staff unlock a locked fiscal year, saying why (400 without a reason)."""
        return self._year_decision(request, fiscal_year, year_locks.fiscal_year_unlock,
                                   recent_sign_in=True)


class AwardViewSet(AwardFinancesMixin, HistoryMixin, ListRetrieveCreateUpdateViewSet):
    serializer_class = AwardSerializer
    filterset_fields = ["compact", "mechanism"]

    def get_queryset(self):
        return selectors.award_list(user=self.request.user)

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "compact" in getattr(serializer, "fields", {}):
            serializer.fields["compact"].queryset = selectors.compact_list(user=self.request.user)
        return serializer


class GuidanceDocumentViewSet(HistoryMixin, ConditionalMixin, mixins.ListModelMixin,
                              mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                              viewsets.GenericViewSet):
    """Versions of the program guidance: every role reads, TIP staff record them, and a
    staff member other than the author confirms one (four eyes; check 4 counts it then)."""

    serializer_class = GuidanceDocumentSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.guidance_list(user=self.request.user).select_related(
            "recorded_by", "confirmed_by")

    @extend_schema(request=None, responses=GuidanceDocumentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def confirm(self, request, pk=None):
        guidance = self.get_object()
        reauth.api_require_recent_auth(request)  # confirming needs a recent sign-in
        guidance = services.guidance_document_confirm(user=request.user, guidance=guidance)
        return Response(self.get_serializer(guidance).data)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        countries = selectors.countries_seen_by(user=user)
        data = {
            "username": user.get_username(),
            "roles": sorted(scoping.user_roles(user)),
            "countries": sorted(c.iso_code.code for c in countries),
            "sees_every_country": scoping.sees_every_country(user),
        }
        return Response(MeSerializer(data).data)


ERR_LOCKED_OUT = (
    "Too many failed sign-ins for this username from your address: signing in is locked "
    "for a while. Try again later, or ask the site administrator to unlock the account."
)
ERR_ADDRESS_THROTTLED = (
    "Too many failed sign-ins from your address: signing in from it is paused for a while. "
    "Try again later."
)


class TokenView(ObtainAuthToken):
    """POST username and password, receive ``{"token": ...}``; DELETE with the token
    revokes it. Failed attempts count towards the login lockout (django-axes)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth-token"
    # ObtainAuthToken names DRF's own parsers; the API's keep the JSON depth limit.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    def get_authenticators(self):
        # Signing in needs no credentials (a stale token sent along must not stand in the
        # way); revoking needs the token being revoked. (No request: the schema generator.)
        if self._method() == "POST":
            return []
        return [ExpiringTokenAuthentication()]

    def get_permissions(self):
        if self._method() == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def _method(self) -> str | None:
        return getattr(self.request, "method", None)

    @extend_schema(
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Locked out after too many failed sign-ins, "
                                             "or too many requests."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # The lockout marks the request it refuses (django-axes).
            if getattr(request, "address_throttled", False):
                return Response({"detail": ERR_ADDRESS_THROTTLED},
                                status=status.HTTP_429_TOO_MANY_REQUESTS)
            if getattr(request, "axes_locked_out", False):
                return Response({"detail": ERR_LOCKED_OUT},
                                status=status.HTTP_429_TOO_MANY_REQUESTS)
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        self.check_second_factor(request, user)
        token = token_issue(user=user, request=request)
        # Signing in for a token is signing in: the inactive-account rule counts it.
        update_last_login(None, user)
        return Response({"token": token.key})

    def check_second_factor(self, request, user) -> None:
        """After the password: the second factor's check (accounts.api.TokenView, the view
        the URL serves, raises a 400 ``{"otp": [...]}`` when it fails)."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        token_revoke(user=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
