from django.urls import path

from providers.matrix import views

app_name = "matrix"

urlpatterns = [
    path("", views.home, name="home"),
    path("kaart/export.xlsx", views.matrix_export_all, name="matrix-export-all"),
    path("kaart/<slug:slug>/export.xlsx", views.matrix_export, name="matrix-export"),
    path("kaart/<slug:slug>/", views.matrix_page, name="matrix"),
    path("api/kaart/<slug:slug>/", views.matrix_api, name="matrix-api"),
]
