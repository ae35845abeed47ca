from django.apps import AppConfig


class PathsConfig(AppConfig):
    """Referral paths between offers (who hands over to whom) and the pool of experience
    experts that organisations can deploy. Sits above the offers (providers)."""

    name = "providers.paths"
    label = "paths"
    verbose_name = "Paden en ervaringsdeskundigen"
    default_auto_field = "django.db.models.BigAutoField"
