from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frameworks"
    verbose_name = "Analysekaders"

    def ready(self):
        from frameworks.cache import connect_signals

        connect_signals()
