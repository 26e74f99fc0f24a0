from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = "Partner contributions and sustainability"

    def ready(self):
        from cpc.storage import register_private_file

        from . import dialogue_rows, selectors

        # The dialogue record's "log outcomes" step takes contributions as rows.
        dialogue_rows.register_rows()

        register_private_file(records=selectors.contribution_list, field="evidence",
                              url_name="contributions:evidence")
        register_private_file(records=selectors.plan_list, field="document",
                              url_name="contributions:plan-document")
