from django.urls import path

from frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.home, name="home"),
    path("kaart/<slug:slug>/", views.matrix_page, name="matrix"),
    path("api/kaart/<slug:slug>/", views.matrix_api, name="matrix-api"),
]
