from django.apps import AppConfig


class CompactsConfig(AppConfig):
    name = "compacts"
    verbose_name = "Countries and compacts"

    def ready(self):
        import cpc.acting  # noqa: F401 (connects the history signal receiver)
        from cpc.storage import register_private_file

        from . import selectors

        # A guidance version's document opens in the admin through the view that checks
        # the user's role (cpc.storage: private files have no public URL).
        register_private_file(records=selectors.guidance_list, field="document",
                              url_name="compacts:guidance-document")
        # A compact's signed document opens through the compact's document view.
        register_private_file(records=selectors.visible_compacts,
                              field="document__signed_document",
                              url_name="compacts:document-file")
        # Scope (cpc.access.scoping) reads countries, implementers, compacts and
        # awards as this app defines them.
        from cpc.access.scoping import scope_models_register

        from .models import Award, Compact, Implementer, PartnerCountry

        scope_models_register(
            Award=Award, Compact=Compact, Implementer=Implementer, PartnerCountry=PartnerCountry)
