"""The whole-response cache serves and stores only what any anonymous visitor may see.

A page is cached for anonymous visitors only. Someone with a session (a logged-in partner) or
with flash messages waiting (a messages cookie, also after logging out) gets a page rendered
for them alone: it is neither taken from the cache nor put into it.
"""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import Client

from providers.models import Offer, Organisation
from tests.partner_admin_support import make_municipal_user, make_partner
from tests.test_cache_invalidation import admin_change

TRIAS_OFFER = "trias-pedagogica-hgkm-2023"
# A search lists the offers it finds at every rendering (the matrices below the pages keep a
# cache of their own): a freshly rendered search shows a change behind the cache's back.
TRIAS_SEARCH = "/aanbod/?phase=preventie&violence_type=ouderenmishandeling"
PUBLIC_PAGES = ["/", "/kaart/hgkm/", "/aanbod/", "/organisaties/trias-pedagogica/"]


def unpublish_behind_the_cache(slug):
    """Change the data without any signal or bump: only a freshly rendered page shows it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Offer._meta.db_table} SET status = %s WHERE slug = %s",
            [Offer.Status.DRAFT, slug],
        )


def shows_trias(client, path=TRIAS_SEARCH) -> bool:
    response = client.get(path)
    assert response.status_code == 200
    return "Trias pedagogica" in response.content.decode()


def test_flash_messages_after_an_admin_save_never_reach_another_visitor(baseline):
    municipal = Client()
    municipal.force_login(make_municipal_user())
    organisation = Organisation.objects.get(slug="trias-pedagogica")
    response = admin_change(municipal, Organisation, organisation)
    messages_cookie = response.cookies[CookieStorage.cookie_name]
    flash = "is met succes gewijzigd"

    # The same person after logging out: only the messages cookie is left.
    logged_out = Client()
    logged_out.cookies[CookieStorage.cookie_name] = messages_cookie.value
    assert flash in logged_out.get("/").content.decode()

    for path in PUBLIC_PAGES:
        assert flash not in Client().get(path).content.decode(), path


def test_a_visitor_with_a_messages_cookie_is_not_served_from_the_cache(baseline):
    assert shows_trias(Client())  # the cache now holds the page
    unpublish_behind_the_cache(TRIAS_OFFER)
    assert shows_trias(Client())  # still the cached page

    with_messages = Client()
    with_messages.cookies[CookieStorage.cookie_name] = "anything"
    assert not shows_trias(with_messages)


def logged_in_partner() -> Client:
    partner = Client()
    partner.force_login(make_partner(Organisation.objects.get(slug="de-waag")))
    assert settings.SESSION_COOKIE_NAME in partner.cookies
    return partner


def test_a_logged_in_partner_is_not_served_a_cached_page(baseline):
    partner = logged_in_partner()
    assert shows_trias(Client())  # the cache now holds the page
    unpublish_behind_the_cache(TRIAS_OFFER)
    assert shows_trias(Client())  # still the cached page
    assert not shows_trias(partner)


def test_a_logged_in_partners_page_is_not_stored(baseline):
    partner = logged_in_partner()
    assert shows_trias(partner)  # rendered for the partner alone
    unpublish_behind_the_cache(TRIAS_OFFER)
    assert not shows_trias(Client())  # so the first anonymous visitor gets a fresh page


def test_any_session_cookie_bypasses_the_cache(baseline):
    assert shows_trias(Client())
    unpublish_behind_the_cache(TRIAS_OFFER)
    with_session = Client()
    with_session.cookies[settings.SESSION_COOKIE_NAME] = "not-a-real-session"
    assert not shows_trias(with_session)
    assert shows_trias(Client())  # the anonymous entry is still the one served


def test_a_page_that_sets_a_cookie_is_not_stored(baseline):
    # The login page sets the CSRF cookie: it must be rendered for every visitor.
    first = Client().get("/beheer/login/")
    assert "csrftoken" in first.cookies
    assert "csrftoken" in Client().get("/beheer/login/").cookies


def test_parameters_a_page_does_not_know_are_not_cached(baseline):
    path = f"{TRIAS_SEARCH}&utm_source=nieuwsbrief"
    assert shows_trias(Client(), path)
    unpublish_behind_the_cache(TRIAS_OFFER)
    assert not shows_trias(Client(), path)
