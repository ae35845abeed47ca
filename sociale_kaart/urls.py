from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Sociale kaart plegeraanpak – beheer"
admin.site.site_title = "Sociale kaart beheer"
admin.site.index_title = "Beheer"

urlpatterns = [
    path("beheer/", admin.site.urls),
    path("", include("providers.urls")),
    path("", include("frameworks.urls")),
]
