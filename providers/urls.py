from django.urls import path

from providers import api, views

app_name = "providers"

urlpatterns = [
    path("organisaties/", views.organisation_list, name="organisation-list"),
    path("organisaties/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("aanbod/", views.offer_search, name="offer-search"),
    path("aanbod/<slug:slug>/", views.offer_detail, name="offer-detail"),
    path("api/aanbod/", api.offer_list, name="api-offer-list"),
    path("api/aanbod/<slug:slug>/", api.offer_detail, name="api-offer-detail"),
]
