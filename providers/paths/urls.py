from django.urls import path

from providers.paths import views

app_name = "paths"

urlpatterns = [
    path("paden/", views.path_index, name="path-index"),
    path("paden/breuken/", views.breaks_page, name="breaks"),
    path("paden/export.xlsx", views.paths_export, name="export"),
    path("paden/<slug:framework>/<slug:violence_type>/", views.path_page, name="path"),
    path("ervaringsdeskundigen/", views.pool_page, name="pool"),
    path("api/verwijzingen/", views.links_api, name="api-links"),
    path("api/ervaringsdeskundigen/", views.pool_api, name="api-pool"),
]
