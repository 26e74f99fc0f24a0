from django.apps import AppConfig


class CompactsConfig(AppConfig):
    name = "compacts"
    verbose_name = "Countries and compacts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        import cpc.acting  # noqa: F401 (connects the history signal receiver)
        from cpc.storage import register_private_file

        from . import language, roles, selectors, versioning

        # Models added by later migrations get their role permissions as soon as they exist.
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="cpc-sync-roles")
        # A guidance version's document opens in the admin through the view that checks
        # the user's role (cpc.storage: private files have no public URL).
        register_private_file(records=selectors.guidance_list, field="document",
                              url_name="compacts:guidance-document")
        # Whatever is cached under the records version becomes unreachable after any
        # committed write to the records (compacts/versioning.py).
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(versioning.records_changed,
                           dispatch_uid=f"cpc-records-version-{signal}")
        # The language a user chose applies again at each sign-in, in any browser.
        user_logged_in.connect(language.language_at_login, dispatch_uid="cpc-language-at-login")
        post_migrate.connect(versioning.records_migrated, sender=self,
                             dispatch_uid="cpc-records-version-migrated")
