"""Signing in beyond the password: the second factor, federated sign-in, signing in again."""

from django.urls import path

from . import oidc_views, views

app_name = "accounts"

urlpatterns = [
    path("mfa/", views.mfa_settings, name="mfa"),
    path("mfa/verify/", views.mfa_verify, name="mfa-verify"),
    path("mfa/enrol/", views.mfa_enrol, name="mfa-enrol"),
    path("mfa/remove/", views.mfa_remove, name="mfa-remove"),
    path("reauth/", views.reauth, name="reauth"),
    # Federated sign-in (OpenID Connect): 404 unless configured (accounts/oidc.py).
    path("oidc/login/", oidc_views.oidc_login, name="oidc-login"),
    path("oidc/callback/", oidc_views.oidc_callback, name="oidc-callback"),
]
