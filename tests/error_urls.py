"""A tests-only urlconf: the site's URLs plus views that fail in each way an error page covers."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.shortcuts import render
from django.urls import path

from sociale_kaart.urls import handler500
from sociale_kaart.urls import urlpatterns as site_urlpatterns

SECRET_DETAIL = "geheime-details-42 /etc/passwd SELECT * FROM auth_user"


def raise_error(request):
    raise RuntimeError(SECRET_DETAIL)


def raise_permission_denied(request):
    raise PermissionDenied(SECRET_DETAIL)


def raise_suspicious(request):
    raise SuspiciousOperation(SECRET_DETAIL)


def too_many_requests(request):
    # As django-axes renders its lockout template (AXES_LOCKOUT_TEMPLATE), with the user name.
    context = {"username": "jan@example.org", "failure_limit": 5, "cooloff_time": "1 uur"}
    return render(request, "429.html", context, status=429)


class DatabaseDownInMiddleware:
    """Fails like a middleware that reads the session while the database is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/middleware-database-down/":
            raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
        return self.get_response(request)


urlpatterns = [
    path("fout/", raise_error),
    path("geen-toegang/", raise_permission_denied),
    path("verdacht/", raise_suspicious),
    path("te-veel/", too_many_requests),
    *site_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
