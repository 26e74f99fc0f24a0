from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "Oversight: GAO checks and recommendations"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from cpc.storage import register_private_file

        from . import check_cache, selectors

        # Cached verdicts of the six checks become unreachable after any committed write to
        # the records they read.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(check_cache.records_changed,
                           dispatch_uid=f"oversight-records-version-{signal}")
        post_migrate.connect(check_cache.records_migrated, sender=self,
                             dispatch_uid="oversight-records-version-migrated")

        # An agency action's evidence file opens through the view that checks the role.
        register_private_file(records=selectors.gao_action_list, field="evidence_file",
                              url_name="oversight:gao-action-evidence")
