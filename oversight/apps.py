from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "Oversight: GAO checks and recommendations"

    def ready(self):
        from cpc.storage import register_private_file
        from dialogues import closing

        from . import selectors

        # The dialogue's close step shows the checks as they will stand once it is closed.
        closing.register(selectors.dialogue_checks_once_closed)

        # An agency action's evidence file opens through the view that checks the role.
        register_private_file(records=selectors.gao_action_list, field="evidence_file",
                              url_name="oversight:gao-action-evidence")
