from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "Oversight: GAO checks and recommendations"

    def ready(self):
        from cpc.storage import register_private_file

        from . import selectors

        # An agency action's evidence file opens through the view that checks the role.
        register_private_file(records=selectors.gao_action_list, field="evidence_file",
                              url_name="oversight:gao-action-evidence")
