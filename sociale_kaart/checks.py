"""Deployment checks of our own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

W001 = "sociale_kaart.W001"


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Without REDIS_URL every process keeps its own cache and its own data version: with
    several workers one worker's edits leave the others serving stale pages for up to an hour.
    One process may do without Redis, but the operator must say so."""
    if settings.REDIS_URL or settings.CACHE_SINGLE_PROCESS:
        return []
    return [
        Warning(
            "REDIS_URL is not set: each worker process keeps its own cache, so after an edit "
            "other workers serve stale pages for up to an hour.",
            hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/0), or CACHE_SINGLE_PROCESS=1 "
            "when the site runs as a single process.",
            id=W001,
        )
    ]
