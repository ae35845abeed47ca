from django.urls import path, re_path

from providers.hsds import views

app_name = "hsds"


def _endpoint(route: str, view, name: str):
    """`route` with or without a closing slash (HSDS clients write paths without one)."""
    return re_path(rf"^{route}/?$", view, name=name)


urlpatterns = [
    path("", views.root, name="root"),
    path("openapi.json", views.openapi, name="openapi"),
    _endpoint("profile", views.profile, "profile"),
    _endpoint("services", views.services, "services"),
    _endpoint(r"services/(?P<id>[^/]+)", views.service, "service"),
    _endpoint("organizations", views.organizations, "organizations"),
    _endpoint(r"organizations/(?P<id>[^/]+)", views.organization, "organization"),
    _endpoint("taxonomies", views.taxonomies, "taxonomies"),
    _endpoint(r"taxonomies/(?P<id>[^/]+)", views.taxonomy, "taxonomy"),
    _endpoint("taxonomy_terms", views.taxonomy_terms, "taxonomy_terms"),
    _endpoint(r"taxonomy_terms/(?P<id>[^/]+)", views.taxonomy_term, "taxonomy_term"),
    _endpoint("service_at_locations", views.service_at_locations, "service_at_locations"),
]
