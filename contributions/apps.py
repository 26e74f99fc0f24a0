from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = "Partner contributions and sustainability"

    def ready(self):
        from cpc.storage import register_private_file

        from . import selectors

        register_private_file(records=selectors.contribution_list, field="evidence",
                              url_name="contributions:evidence")
        register_private_file(records=selectors.plan_list, field="document",
                              url_name="contributions:plan-document")
