"""Login protection that nobody can turn against a partner: the lock-out is per username and
real client address (behind the documented nginx, from X-Forwarded-For), attempts during a
lock-out do not extend it, the lock-out page says how long it lasts (Retry-After), and
password-reset mails are throttled per address and per e-mail address alike."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.factories import OrganisationFactory
from tests.partner_admin_support import make_partner

LOGIN = "/beheer/login/"
RESET = "/account/wachtwoord-vergeten/"
PASSWORD = "Zeer-geheim-wachtwoord-2025"
PROXY = "127.0.0.1"  # nginx on the same machine: every request comes from here
ATTACKER = "203.0.113.5"
PARTNER_ADDRESS = "198.51.100.7"
THROTTLED = "te vaak een nieuw wachtwoord aangevraagd"


@pytest.fixture
def pien(db):
    user = make_partner(OrganisationFactory(name="Alfa Hulp"), "pien", password=PASSWORD)
    get_user_model().objects.filter(pk=user.pk).update(email="pien@example.org")
    return user


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def log_in(client, password, forwarded_for=None, username="pien"):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        f"{LOGIN}?next=/beheer/", {"username": username, "password": password}, **extra
    )


def lock_out(client, forwarded_for=None):
    for _ in range(4):
        assert log_in(client, "fout", forwarded_for).status_code == 200
    response = log_in(client, "fout", forwarded_for)
    assert response.status_code == 429
    return response


def age_attempts(minutes: float) -> None:
    """Let `minutes` pass for the recorded login failures."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= datetime.timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


# The real client address behind the proxy.


def test_behind_nginx_guessing_from_elsewhere_does_not_lock_the_partner_out(pien, behind_nginx):
    attacker = Client()
    lock_out(attacker, forwarded_for=ATTACKER)
    assert log_in(attacker, PASSWORD, forwarded_for=ATTACKER).status_code == 429

    # Same proxy address, same username: the partner at home logs in.
    response = log_in(Client(), PASSWORD, forwarded_for=PARTNER_ADDRESS)
    assert response.status_code == 302 and response.url == "/beheer/"
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER]


def test_a_forged_forwarded_for_entry_does_not_move_the_attempts_to_the_partner(pien, behind_nginx):
    # The attacker sends the partner's address; nginx appends the attacker's real one.
    attacker = Client()
    lock_out(attacker, forwarded_for=f"{PARTNER_ADDRESS}, {ATTACKER}")
    response = log_in(Client(), PASSWORD, forwarded_for=PARTNER_ADDRESS)
    assert response.status_code == 302
    # Nor does a forged entry get the attacker out of the lock-out.
    assert log_in(attacker, PASSWORD, forwarded_for=f"10.9.9.9, {ATTACKER}").status_code == 429


def test_without_a_trusted_proxy_the_forwarded_for_header_is_ignored(pien, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    attacker = Client()
    lock_out(attacker, forwarded_for="10.0.0.1")
    # Another X-Forwarded-For does not make another client: the address is REMOTE_ADDR.
    assert log_in(attacker, PASSWORD, forwarded_for="10.0.0.2").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


def test_with_two_trusted_proxies_the_second_entry_from_the_right_is_the_client(pien, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    load_balancer = "10.0.0.9"
    lock_out(Client(), forwarded_for=f"{ATTACKER}, {load_balancer}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    response = log_in(Client(), PASSWORD, forwarded_for=f"{PARTNER_ADDRESS}, {load_balancer}")
    assert response.status_code == 302


# The lock-out itself.


def test_attempts_during_a_lock_out_do_not_extend_it(pien, behind_nginx):
    client = Client()
    lock_out(client, forwarded_for=ATTACKER)
    age_attempts(10)
    # Ten minutes into the lock-out: refused, the right password too, and not recorded.
    assert log_in(client, "fout", forwarded_for=ATTACKER).status_code == 429
    assert log_in(client, PASSWORD, forwarded_for=ATTACKER).status_code == 429
    age_attempts(5 + 1 / 60)
    # Fifteen minutes after the lock-out began it is over.
    response = log_in(client, PASSWORD, forwarded_for=ATTACKER)
    assert response.status_code == 302 and response.url == "/beheer/"


def test_the_lock_out_page_says_how_long_it_lasts_with_retry_after(pien, behind_nginx):
    client = Client()
    response = lock_out(client, forwarded_for=ATTACKER)
    assert 890 <= int(response["Retry-After"]) <= 900
    assert "Probeer het over 15 minuten opnieuw" in response.content.decode()

    age_attempts(10)
    response = log_in(client, PASSWORD, forwarded_for=ATTACKER)
    assert response.status_code == 429
    assert 290 <= int(response["Retry-After"]) <= 300
    content = response.content.decode()
    assert "Te veel mislukte inlogpogingen" in content
    assert "Probeer het over 5 minuten opnieuw" in content

    age_attempts(4.5)
    response = log_in(client, PASSWORD, forwarded_for=ATTACKER)
    assert 1 <= int(response["Retry-After"]) <= 30
    assert "Probeer het over 1 minuut opnieuw" in response.content.decode()


def test_the_lock_out_ends_after_the_cool_off_counted_from_the_last_failure(pien, behind_nginx):
    client = Client()
    lock_out(client, forwarded_for=ATTACKER)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1)
    )
    assert log_in(client, PASSWORD, forwarded_for=ATTACKER).status_code == 302


# Password-reset mails.


def ask_reset(email, address="192.0.2.1", client=None):
    return (client or Client()).post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_reset_mails_are_throttled_per_address(pien):
    for number in range(5):
        response = ask_reset(f"iemand{number}@example.org")
        assert response.status_code == 302
    response = ask_reset("pien@example.org")
    assert response.status_code == 429
    assert THROTTLED in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert mail.outbox == []  # the five were for addresses without an account
    # Another address may still ask.
    assert ask_reset("pien@example.org", address="192.0.2.2").status_code == 302
    assert len(mail.outbox) == 1


def test_reset_mails_are_throttled_per_account_from_any_address(pien):
    for number in range(3):
        assert ask_reset("pien@example.org", address=f"192.0.2.{10 + number}").status_code == 302
    assert len(mail.outbox) == 3
    response = ask_reset("PIEN@example.org", address="192.0.2.99")
    assert response.status_code == 429
    assert THROTTLED in response.content.decode()
    assert len(mail.outbox) == 3


def page_without(response, email) -> str:
    """The page without its CSRF token and the e-mail address that the form shows again."""
    content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return content.replace(email, "E-MAIL")


def test_the_answer_is_the_same_whether_the_account_exists_or_not(pien, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    answers = {}
    for email, address in [
        ("pien@example.org", "192.0.2.20"),
        ("niemand@example.org", "192.0.2.30"),
    ]:
        client = Client()
        first = [ask_reset(email, address, client) for _ in range(3)]
        throttled = ask_reset(email, address, client)
        answers[email] = (
            [(r.status_code, r.url) for r in first],
            throttled.status_code,
            throttled["Retry-After"],
            page_without(throttled, email),
        )
    assert answers["pien@example.org"] == answers["niemand@example.org"]
    assert answers["pien@example.org"][1] == 429
    assert len(mail.outbox) == 3  # only the account that exists got mail
