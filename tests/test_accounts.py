"""Accounts: the municipality invites partner users; logins are protected against guessing."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from providers.models import Membership
from tests.factories import OfferFactory, OrganisationFactory
from tests.partner_admin_support import make_municipal_user, make_partner

LOGIN = "/beheer/login/"
PASSWORD = "Zeer-geheim-wachtwoord-2025"


def log_in(client, username, password, address="127.0.0.1"):
    return client.post(
        f"{LOGIN}?next=/beheer/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Logging in many times with the production hasher is slow; the behaviour is the same."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Alfa Hulp", slug="alfa-hulp")


# Invitations.


def test_the_municipality_invites_a_partner_who_sets_a_password_and_logs_in(client, organisation):
    other = OfferFactory(name="Ander Aanbod")
    own = OfferFactory(organisation=organisation, name="Eigen Aanbod")
    client.force_login(make_municipal_user())
    form = client.get(f"/beheer/providers/organisation/{organisation.pk}/change/")
    assert "Gebruiker uitnodigen" in form.content.decode()

    response = client.post(
        f"/beheer/providers/organisation/{organisation.pk}/uitnodigen/",
        {"email": "Nieuwe.Collega@Example.org", "first_name": "Nina", "last_name": "Nieuw"},
    )
    assert response.status_code == 302

    user = get_user_model().objects.get(email="nieuwe.collega@example.org")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert not user.has_usable_password()
    assert [g.name for g in user.groups.all()] == ["Partner"]
    assert Membership.objects.filter(user=user, organisation=organisation).exists()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuwe.collega@example.org"]
    assert "Alfa Hulp" in message.body
    link = re.search(r"http://testserver(/account/wachtwoord/\S+/)", message.body).group(1)

    client.logout()
    response = client.get(link)
    assert response.status_code == 302  # Django moves the token into the session
    form_url = response.url
    form = client.get(form_url)
    assert "Wachtwoord instellen" in form.content.decode()
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert "Uw wachtwoord is ingesteld" in client.get(response.url).content.decode()
    # The link works only once.
    assert "Deze link werkt niet" in client.get(link, follow=True).content.decode()

    response = log_in(client, "nieuwe.collega@example.org", PASSWORD)
    assert response.status_code == 302 and response.url == "/beheer/"
    start = client.get("/beheer/").content.decode()
    assert "Eigen Aanbod" in start and "Ander Aanbod" not in start
    assert client.get(f"/beheer/providers/offer/{own.pk}/change/").status_code == 200
    assert client.get(f"/beheer/providers/offer/{other.pk}/change/").status_code == 404


def test_inviting_an_existing_address_is_a_form_error(client, organisation):
    make_partner(organisation, "bestaand@example.org")
    get_user_model().objects.filter(username="bestaand@example.org").update(
        email="bestaand@example.org"
    )
    client.force_login(make_municipal_user())
    before = get_user_model().objects.count()
    response = client.post(
        f"/beheer/providers/organisation/{organisation.pk}/uitnodigen/",
        {"email": "BESTAAND@example.org"},
    )
    assert response.status_code == 200
    assert "Er bestaat al een account met dit e-mailadres" in response.content.decode()
    assert get_user_model().objects.count() == before
    assert mail.outbox == []


def test_an_invalid_address_is_a_dutch_form_error(client, organisation):
    client.force_login(make_municipal_user())
    response = client.post(
        f"/beheer/providers/organisation/{organisation.pk}/uitnodigen/", {"email": "geen-adres"}
    )
    assert response.status_code == 200
    assert "Voer een geldig e-mailadres in." in response.content.decode()


def test_a_forgotten_password_can_be_reset_from_the_login_page(client, organisation):
    user = make_partner(organisation, "pien", password=PASSWORD)
    get_user_model().objects.filter(pk=user.pk).update(email="pien@example.org")
    assert "/account/wachtwoord-vergeten/" in client.get(LOGIN).content.decode()
    response = client.post("/account/wachtwoord-vergeten/", {"email": "pien@example.org"})
    assert response.status_code == 302
    assert "Kijk in uw e-mail" in client.get(response.url).content.decode()
    assert len(mail.outbox) == 1
    assert "/account/wachtwoord/" in mail.outbox[0].body


# Login protection (django-axes).


def test_login_locks_after_five_failures_with_a_dutch_429_and_unlocks_after_cool_off(
    client, organisation
):
    make_partner(organisation, "pien", password=PASSWORD)
    for _ in range(4):
        response = log_in(client, "pien", "fout")
        assert response.status_code == 200
        assert "Voer de correcte gebruikersnaam en wachtwoord" in response.content.decode()

    response = log_in(client, "pien", "fout")
    assert response.status_code == 429
    content = response.content.decode()
    assert "Te veel mislukte inlogpogingen" in content
    assert "Probeer het over 15 minuten opnieuw" in content

    # Even the right password is refused now, from this address.
    response = log_in(client, "pien", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    # The lock is on username and address together: another address may still log in.
    other = client.__class__()
    assert log_in(other, "pien", PASSWORD, address="10.1.2.3").status_code == 302
    assert log_in(client, "pien", PASSWORD).status_code == 429

    # After the cool-off of 15 minutes the lock expires.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1)
    )
    response = log_in(client, "pien", PASSWORD)
    assert response.status_code == 302 and response.url == "/beheer/"


def test_a_successful_login_resets_the_failure_count(client, organisation):
    make_partner(organisation, "pien", password=PASSWORD)
    for _ in range(4):
        log_in(client, "pien", "fout")
    assert log_in(client, "pien", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "pien", "fout").status_code == 200


def test_createsuperuser_still_works_for_the_first_municipal_account(client, db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser",
        interactive=False,
        username="eerste",
        email="eerste@example.org",
        verbosity=0,
    )
    user = get_user_model().objects.get(username="eerste")
    assert user.is_superuser and user.is_staff
    assert log_in(client, "eerste", PASSWORD).status_code == 302
    assert client.get("/beheer/auth/user/").status_code == 200
