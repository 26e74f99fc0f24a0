from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications: in the app and by email"

    def ready(self):
        from . import receivers

        receivers.connect()
