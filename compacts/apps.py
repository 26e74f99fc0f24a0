from django.apps import AppConfig


class CompactsConfig(AppConfig):
    name = "compacts"
    verbose_name = "Countries and compacts"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import roles

        # Models added by later migrations get their role permissions as soon as they exist.
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="cpc-sync-roles")
