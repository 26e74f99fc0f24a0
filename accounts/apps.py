from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts: signing in"

    def ready(self):
        from accounts import oidc  # noqa: F401  (registers the federated sign-in settings check)
