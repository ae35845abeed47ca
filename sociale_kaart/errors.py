"""Error responses: the Dutch 503 page for an unavailable database (JSON under /api/), and the
404 and 500 handlers.

The 503 and 500 pages are rendered without the request context, so that rendering them needs
no database (no session, no user)."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.defaults import ERROR_500_TEMPLATE_NAME

from sociale_kaart.api import field_error, json_error

logger = logging.getLogger("sociale_kaart.errors")

RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE = (
    "De sociale kaart is tijdelijk niet beschikbaar. Probeer het over een halve minuut opnieuw."
)
MEGABYTE = 1024 * 1024


def is_database_unavailable(exception: BaseException | None) -> bool:
    """Connection refused, lost or timed out: Django raises these as OperationalError or
    InterfaceError (for every backend)."""
    return isinstance(exception, OperationalError | InterfaceError)


def database_unavailable(request, exception: BaseException) -> HttpResponse:
    # The exception's first line says refused / timed out / closed; it holds host and port of
    # the database server, never request data.
    detail = str(exception).strip().splitlines()[0][:200] if str(exception).strip() else ""
    logger.warning(
        "database unavailable",
        extra={
            "event": "database_unavailable",
            "error": type(exception).__name__,
            "detail": detail,
            "method": request.method,
            "path": request.path,
        },
    )
    if request.path.startswith("/api/"):
        # A client of the API reads JSON, in the API's own error shape.
        response = json_error(
            "Tijdelijk niet beschikbaar",
            {"__all__": field_error(DATABASE_UNAVAILABLE, "unavailable")},
            status=503,
        )
    else:
        response = HttpResponse(render_error_page("503.html", DATABASE_UNAVAILABLE), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def request_too_large(request, size: int, limit: int) -> HttpResponse:
    """The Dutch 413 page for a request body over `limit` bytes; the body is never read."""
    logger.warning(
        "request body too large",
        extra={
            "event": "request_too_large",
            "method": request.method,
            "path": request.path,
            "content_length": size,
            "limit": limit,
        },
    )
    return HttpResponse(
        render_error_page(
            "413.html",
            "Wat u verstuurde is te groot.",
            {"limit": megabytes(limit)},
        ),
        status=413,
    )


def megabytes(size: int) -> str:
    """Whole megabytes as "6 MB" (MiB, as browsers and the import form count), else Django's
    own rendering ("5,5 MB"); with a non-breaking space, as Django writes it."""
    if size and size % MEGABYTE == 0:
        return f"{size // MEGABYTE}\xa0MB"
    return filesizeformat(size)


def page_not_found(request, exception):
    """handler404: under /api/ a JSON answer in the API's own shape (a client of the API reads
    JSON, also for a path that no view matched); elsewhere the Dutch 404 page."""
    if request.path.startswith("/api/"):
        return json_error("Niet gevonden", status=404)
    return defaults.page_not_found(request, exception)


def server_error(request, template_name=ERROR_500_TEMPLATE_NAME):
    """handler500: a database outage outside a view (e.g. loading the session in middleware)
    still answers 503; anything else the static Dutch 500 page."""
    exception = sys.exc_info()[1]
    if is_database_unavailable(exception):
        return database_unavailable(request, exception)
    return HttpResponseServerError(
        render_error_page(template_name, "Er ging iets mis. Probeer het later opnieuw.")
    )


def render_error_page(template_name: str, fallback: str, context: dict | None = None) -> str:
    """Render an error page without request context (`context` holds plain values only). An
    error page must not fail itself: if the template cannot be rendered (e.g. static files
    not collected), answer a bare Dutch page."""
    try:
        return loader.get_template(template_name).render(context)
    except Exception:
        logger.exception(
            "error page could not be rendered",
            extra={"event": "error_page_failed", "template": template_name},
        )
        return f'<!DOCTYPE html><html lang="nl"><title>{fallback}</title><h1>{fallback}</h1>'
