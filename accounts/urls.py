"""Signing in beyond the password: the second factor, federated sign-in, signing in again."""

from django.urls import path

from accounts import oidc_views

app_name = "accounts"

urlpatterns = [
    # Federated sign-in (OpenID Connect): 404 unless configured (accounts/oidc.py).
    path("oidc/login/", oidc_views.oidc_login, name="oidc-login"),
    path("oidc/callback/", oidc_views.oidc_callback, name="oidc-callback"),
]
