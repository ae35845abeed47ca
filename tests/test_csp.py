"""Content-Security-Policy on every page, and pages that a strict policy does not break: no
inline script, inline style, style attribute or event handler attribute in the HTML."""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from providers.models import Offer, Organisation
from tests.factories import UserFactory

EXPECTED_DIRECTIVES = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}


class InlineCodeFinder(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.blocked = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if (
            tag == "script"
            and "src" not in attributes
            and attributes.get("type") not in {"application/json", "text/template"}
        ):
            self.blocked.append(f"inline <script> {self.getpos()}")
        if tag == "style":
            self.blocked.append(f"<style> element {self.getpos()}")
        for name, value in attrs:
            if name == "style":
                self.blocked.append(f'style="{value}" on <{tag}> {self.getpos()}')
            if name.startswith("on"):
                self.blocked.append(f"{name} handler on <{tag}> {self.getpos()}")
            if value and value.strip().lower().startswith("javascript:"):
                self.blocked.append(f"javascript: URL on <{tag}> {self.getpos()}")


def inline_code(response):
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    return finder.blocked


def assert_strict_csp(response, *, html_checked=True):
    policy = response["Content-Security-Policy"]
    directives = {directive.strip() for directive in policy.split(";")}
    assert directives == EXPECTED_DIRECTIVES
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    if html_checked and response["Content-Type"].startswith("text/html"):
        assert inline_code(response) == []


@pytest.fixture
def superuser_client(client, db):
    # No password: force_login needs none, and hashing one is slow.
    user = UserFactory(username="beheerder", is_staff=True, is_superuser=True, password=None)
    client.force_login(user)
    client.user = user
    return client


PUBLIC_URLS = [
    "/",
    "/kaart/hgkm/",
    "/kaart/seksueel-geweld/?role=aanbieder",
    "/api/kaart/hgkm/",
    "/organisaties/",
    "/organisaties/bestaat-niet/",
    "/healthz",
    "/beheer/login/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_carry_a_strict_policy(client, baseline, url):
    response = client.get(url)
    assert response.status_code in {200, 404}
    assert_strict_csp(response)


def test_organisation_and_offer_pages_carry_a_strict_policy(client, baseline):
    offer = Offer.objects.published().select_related("organisation").first()
    for url in [f"/organisaties/{offer.organisation.slug}/", f"/aanbod/{offer.slug}/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert_strict_csp(response)


def admin_urls(user):
    """Index, and changelist and add form (where adding is possible) of every model in the admin."""
    request = RequestFactory().get("/beheer/")
    request.user = user
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{prefix}_add"))
    return urls


def test_every_admin_list_and_add_page_carries_a_strict_policy(superuser_client, baseline):
    for url in admin_urls(superuser_client.user):
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert_strict_csp(response)


def test_admin_change_and_history_pages_carry_a_strict_policy(superuser_client, baseline):
    offer = Offer.objects.first()
    organisation = Organisation.objects.first()
    urls = [
        reverse("admin:providers_offer_change", args=[offer.pk]),
        reverse("admin:providers_organisation_change", args=[organisation.pk]),
        reverse("admin:providers_offer_delete", args=[offer.pk]),
        reverse("admin:providers_offer_changelist") + "?q=De+Waag",
        reverse("admin:auth_user_changelist"),
    ]
    for url in urls:
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert_strict_csp(response)


def test_admin_history_page_has_no_inline_style(superuser_client, baseline):
    # django-simple-history's own list of versions sets `style="border-top: 0"` on its
    # paginator; the project's copy of that template (templates/simple_history/) does not.
    offer = Offer.objects.first()
    response = superuser_client.get(reverse("admin:providers_offer_history", args=[offer.pk]))
    assert response.status_code == 200
    assert_strict_csp(response)


def test_admin_popup_response_uses_no_inline_script(superuser_client, db):
    # Adding an object from a related-object popup answers with a page that passes the new
    # object to the opener through a data attribute and an external script.
    response = superuser_client.post(
        reverse("admin:providers_funding_add") + "?_popup=1",
        {"name": "Gemeente", "slug": "gemeente-popup", "order": 1, "_popup": "1"},
    )
    assert response.status_code == 200
    assert b"data-popup-response" in response.content
    assert_strict_csp(response)
