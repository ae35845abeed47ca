from django.apps import AppConfig, apps


class SocialeKaartConfig(AppConfig):
    """The project's own bottom layer (cache, response cache, spreadsheet safety, API helpers,
    operations). It has no models; `ready` wires the cache invalidation for every model whose
    manager is versioned and the cleaning of short texts for the models of the project's apps
    and the user accounts, and registers the deployment checks."""

    #: The apps whose models' short texts lose invisible control characters on save.
    text_cleaned_apps = ("providers", "frameworks", "auth")

    name = "sociale_kaart"
    verbose_name = "Sociale kaart"

    def ready(self):
        from sociale_kaart import checks  # noqa: F401 - registers the checks
        from sociale_kaart.cache import connect_invalidation
        from sociale_kaart.text import connect_text_cleaning

        connect_invalidation(apps.get_models())
        connect_text_cleaning(
            model for model in apps.get_models() if model._meta.app_label in self.text_cleaned_apps
        )
