from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Oversight reports"

    def ready(self):
        from cpc.storage import register_private_file

        from . import selectors

        register_private_file(records=selectors.report_job_list, field="pdf",
                              url_name="reports:report-download")
