from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators, targets and results"

    def ready(self):
        from cpc.storage import register_private_file

        from . import receivers, selectors  # noqa: F401 (receivers connect on import)

        register_private_file(records=selectors.result_document_list, field="file",
                              url_name="indicators:result-document")
