"""`GET /healthz` for load balancers and monitoring: 200 when the database answers."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("sociale_kaart.health")


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning(
            "health check failed", extra={"event": "healthz", "error": type(error).__name__}
        )
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
