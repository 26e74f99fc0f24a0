"""The core below the domain apps: who may see and do what (roles, country scope, the API
permission and filters, the base viewset and admin, the pages' role check), content cached
per reader scope under the records version, and each user's remembered language."""

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "cpc.access"
    label = "access"
    verbose_name = "Access and records version"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from . import cache_version, language, roles

        # Models added by later migrations get their role permissions as soon as they exist.
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="cpc-sync-roles")
        # Whatever is cached under the records version becomes unreachable after any
        # committed write to the records (cpc/access/cache_version.py).
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(cache_version.records_changed,
                           dispatch_uid=f"cpc-records-version-{signal}")
        # The language a user chose applies again at each sign-in, in any browser.
        user_logged_in.connect(language.language_at_login, dispatch_uid="cpc-language-at-login")
        post_migrate.connect(cache_version.records_migrated, sender=self,
                             dispatch_uid="cpc-records-version-migrated")
