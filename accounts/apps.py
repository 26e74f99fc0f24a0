from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts: signing in"

    def ready(self):
        # The receivers that stamp a sign-in: its time (cpc.reauth) and the second step the
        # session still owes (accounts.middleware).
        from cpc import reauth  # noqa: F401

        # The federated sign-in's settings check.
        from . import middleware, oidc  # noqa: F401
