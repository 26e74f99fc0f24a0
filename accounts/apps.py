from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts: signing in"

    def ready(self):
        # cpc.reauth: the receiver that stamps the time of a sign-in; cpc.credentials: a new
        # password or a deactivation ends the user's tokens and sessions.
        from cpc import credentials, reauth  # noqa: F401

        # The second step a session still owes (accounts.middleware); the federated
        # sign-in's settings check (accounts.oidc).
        from . import middleware, oidc  # noqa: F401

        credentials.connect()
