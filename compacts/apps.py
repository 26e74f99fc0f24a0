from django.apps import AppConfig


class CompactsConfig(AppConfig):
    name = "compacts"
    verbose_name = "Countries and compacts"

    def ready(self):
        from django.db.models.signals import post_migrate

        from cpc.storage import register_private_file

        from . import roles, selectors

        # Models added by later migrations get their role permissions as soon as they exist.
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="cpc-sync-roles")
        # A guidance version's document opens in the admin through the view that checks
        # the user's role (cpc.storage: private files have no public URL).
        register_private_file(records=selectors.guidance_list, field="document",
                              url_name="compacts:guidance-document")
