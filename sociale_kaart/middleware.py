"""Middleware for operations: a log line per request, a friendly 503 when the database is
unavailable, and a 413 for bodies over the upload limit (see sociale_kaart/errors.py)."""

import logging
import time

from django.conf import settings

from sociale_kaart.errors import database_unavailable, is_database_unavailable, request_too_large

request_logger = logging.getLogger("sociale_kaart.requests")


class RequestLogMiddleware:
    """Log method, path, status and duration of every request.

    Only `request.path` is logged: no query string (search terms may hold names or e-mail
    addresses), no user and no IP address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        request_logger.info(
            "request",
            extra={
                "event": "request",
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response


class DatabaseUnavailableMiddleware:
    """Answer a database that is down or times out with the Dutch 503 page instead of an error.

    Django opens a new connection on the next request (CONN_HEALTH_CHECKS drops a broken
    persistent one), so the site recovers by itself once the database is back. Errors raised
    outside views (in other middleware) reach `sociale_kaart.errors.server_error` instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return database_unavailable(request, exception)
        return None


class UploadSizeLimitMiddleware:
    """Refuse a request whose Content-Length exceeds `settings.MAX_UPLOAD_SIZE` with the Dutch
    413 page, before anything reads or parses the body.

    Django reads no more of a body than its Content-Length says (a body without one, as with
    chunked transfer encoding, is read as empty), so the header is what counts. Place it
    before CsrfViewMiddleware, which reads the form data of a POST."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_UPLOAD_SIZE
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0  # Django reads such a body as empty
        if size > limit:
            return request_too_large(request, size, limit)
        return self.get_response(request)
