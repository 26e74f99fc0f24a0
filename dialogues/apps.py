from django.apps import AppConfig


class DialoguesConfig(AppConfig):
    name = "dialogues"
    verbose_name = "Annual dialogues"

    def ready(self):
        from cpc.storage import register_private_file

        from . import selectors, serializers

        register_private_file(records=selectors.attachment_list, field="file",
                              url_name="dialogues:attachment")
        serializers.register_target_link()
