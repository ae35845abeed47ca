from django.contrib import admin
from django.urls import include, path

from sociale_kaart import health

admin.site.site_header = "Sociale kaart plegeraanpak – beheer"
admin.site.site_title = "Sociale kaart beheer"
admin.site.index_title = "Beheer"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("beheer/", admin.site.urls),
    path("", include("providers.urls")),
    path("", include("frameworks.urls")),
]

# A database outage outside a view still answers the Dutch 503 page (sociale_kaart/errors.py).
handler500 = "sociale_kaart.errors.server_error"
