from django.contrib import admin
from django.urls import include, path

from providers.admin_scoping import view_on_site
from sociale_kaart import health
from sociale_kaart.admin import autocomplete_view

admin.site.site_header = "Sociale kaart plegeraanpak – beheer"
admin.site.site_title = "Sociale kaart beheer"
admin.site.index_title = "Beheer"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # The admin's "view on site" shortcut, scoped to the user's own organisations.
    path("beheer/r/<int:content_type_id>/<path:object_id>/", view_on_site(admin.site)),
    # Django's autocomplete, without its 500 for a reverse relation (sociale_kaart/admin.py).
    path("beheer/autocomplete/", autocomplete_view(admin.site)),
    path("beheer/", admin.site.urls),
    path("account/", include("providers.account_urls")),
    path("api/hsds/", include("providers.hsds.urls")),
    path("", include("providers.urls")),
    path("", include("providers.matrix.urls")),
    path("", include("providers.monitor.urls")),
    path("", include("providers.paths.urls")),
]

# A database outage outside a view still answers the Dutch 503 page (sociale_kaart/errors.py).
handler500 = "sociale_kaart.errors.server_error"
handler404 = "sociale_kaart.errors.page_not_found"
