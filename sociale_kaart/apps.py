from django.apps import AppConfig, apps


class SocialeKaartConfig(AppConfig):
    """The project's own bottom layer (cache, response cache, spreadsheet safety, API helpers,
    operations). It has no models; `ready` wires the cache invalidation for every model whose
    manager is versioned, and registers the deployment checks."""

    name = "sociale_kaart"
    verbose_name = "Sociale kaart"

    def ready(self):
        from sociale_kaart import checks  # noqa: F401 - registers the checks
        from sociale_kaart.cache import connect_invalidation

        connect_invalidation(apps.get_models())
