"""The application's URLs plus `/bench/ok/`, the trivial view every page is compared with."""

from django.http import HttpResponse
from django.urls import path

from sociale_kaart.urls import urlpatterns as application_urlpatterns


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok, name="bench-ok"), *application_urlpatterns]
