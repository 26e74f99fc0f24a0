"""Signing in beyond the password: the second factor, federated sign-in, signing in again."""

app_name = "accounts"

urlpatterns = []
