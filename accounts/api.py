"""``POST /api/v1/auth/token/`` with the second factor: ``{"username", "password", "otp"}``.

The password is checked first (compacts.api.TokenView, django-axes); then a user with a
confirmed second factor, or who must have one (``REQUIRE_MFA``), must send ``otp``: a code of
their authenticator app or a recovery code. Missing or wrong is a 400 ``{"otp": [...]}`` and
counts as a failed sign-in; a user who must have a second factor and has none gets no token.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from compacts import api as compacts_api

from . import mfa

ERR_OTP_MISSING = _("This account signs in with a second factor: send \"otp\", the code "
                    "of your authenticator app or a recovery code.")
ERR_OTP_WRONG = _("That code is not right, or was already used.")
ERR_OTP_NOT_ENROLLED = _("Your role must sign in with a second factor, and this account has "
                         "none: sign in on the website to set one up, then ask for a token.")


class OtpLocked(Exception):
    pass


class TokenView(compacts_api.TokenView):
    @extend_schema(
        request=inline_serializer("TokenRequest", {
            "username": serializers.CharField(),
            "password": serializers.CharField(),
            "otp": serializers.CharField(required=False, help_text=(
                "The code of the authenticator app, or a recovery code: required for an "
                "account with a second factor, or whose role must have one."))}),
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong username or password, or a missing or "
                                             "wrong second-factor code (\"otp\")."),
            429: OpenApiResponse(description="Locked out after too many failed sign-ins, "
                                             "or too many requests."),
        },
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except OtpLocked:
            return Response({"detail": compacts_api.ERR_LOCKED_OUT},
                            status=status.HTTP_429_TOO_MANY_REQUESTS)

    def check_second_factor(self, request, user) -> None:
        if not mfa.has_second_factor(user):
            if mfa.mfa_required(user):
                raise ValidationError({"otp": [ERR_OTP_NOT_ENROLLED]})
            return
        code = request.data.get("otp") if hasattr(request.data, "get") else None
        if not isinstance(code, str) or not code.strip():
            # Counted as a failed sign-in too: a password alone proves no more here.
            mfa.mfa_failure(user=user, request=request._request)
            self._refuse_locked(request)
            raise ValidationError({"otp": [ERR_OTP_MISSING]})
        if mfa.mfa_check(user=user, code=code, request=request._request) is None:
            self._refuse_locked(request)
            raise ValidationError({"otp": [ERR_OTP_WRONG]})

    @staticmethod
    def _refuse_locked(request) -> None:
        if getattr(request._request, "axes_locked_out", False):
            raise OtpLocked
