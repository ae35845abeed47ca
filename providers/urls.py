from django.urls import path

from providers import views

app_name = "providers"

urlpatterns = [
    path("organisaties/", views.organisation_list, name="organisation-list"),
    path("organisaties/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("aanbod/<slug:slug>/", views.offer_detail, name="offer-detail"),
]
