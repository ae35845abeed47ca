from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "providers"
    verbose_name = "Aanbieders en aanbod"

    def ready(self):
        from providers.history import connect_signals

        connect_signals()
