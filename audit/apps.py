from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit: the change history of every record"

    def ready(self):
        from . import receivers

        receivers.connect()
