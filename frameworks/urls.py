from django.urls import path

from frameworks import export_views, views

app_name = "frameworks"

urlpatterns = [
    path("", views.home, name="home"),
    path("kaart/export.xlsx", export_views.matrix_export_all, name="matrix-export-all"),
    path("kaart/<slug:slug>/export.xlsx", export_views.matrix_export, name="matrix-export"),
    path("kaart/<slug:slug>/", views.matrix_page, name="matrix"),
    path("api/kaart/<slug:slug>/", views.matrix_api, name="matrix-api"),
]
