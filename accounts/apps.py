from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts: signing in"

    def ready(self):
        # A new password or a deactivation ends the user's tokens and sessions.
        from cpc import credentials

        credentials.connect()
