from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "Oversight: GAO checks and recommendations"
