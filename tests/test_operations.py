"""/healthz, and the site with its database unreachable: a Dutch 503, then recovery."""

import logging
import socket
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection

from sociale_kaart.logs import KeyValueFormatter
from tests.factories import UserFactory


def closed_port() -> int:
    """A local TCP port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database_unreachable():
    """Make the default database unreachable for the requests made inside the block.

    PostgreSQL: a real refused connection, the server's address pointed at a closed port.
    SQLite: the test database lives in memory and is destroyed when its connection closes, so
    opening a connection fails as an unreadable database file would."""
    if connection.vendor == "postgresql":
        original = connection.settings_dict["HOST"], connection.settings_dict["PORT"]
        connection.close()
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = closed_port()
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["HOST"], connection.settings_dict["PORT"] = original
    else:

        def unable_to_open():
            raise OperationalError("unable to open database file")

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(connection, "ensure_connection", unable_to_open)
            yield


@contextmanager
def database_not_answering():
    """A database that does not answer in time. PostgreSQL: a server that accepts the TCP
    connection and then stays silent, with the shortest connect timeout libpq allows (2 s).
    SQLite: its own timeout, a lock that is not released ("database is locked")."""
    if connection.vendor == "postgresql":
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen()
            original = {key: connection.settings_dict[key] for key in ("HOST", "PORT", "OPTIONS")}
            connection.close()
            connection.settings_dict["HOST"] = "127.0.0.1"
            connection.settings_dict["PORT"] = silent.getsockname()[1]
            connection.settings_dict["OPTIONS"] = {**original["OPTIONS"], "connect_timeout": 2}
            try:
                yield
            finally:
                connection.close()
                connection.settings_dict.update(original)
    else:

        def locked():
            raise OperationalError("database is locked")

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(connection, "ensure_connection", locked)
            yield


def test_healthz_answers_ok_and_is_never_cached(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


# Closing the connection is not possible inside the transaction of a plain `db` test;
# serialized_rollback restores the reference data of the migrations afterwards.
unreachable_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@unreachable_db
def test_healthz_answers_503_while_the_database_is_unreachable_and_recovers(client):
    with database_unreachable():
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable"}
        assert "no-store" in response["Cache-Control"]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


PUBLIC_URLS = ["/", "/kaart/hgkm/", "/organisaties/"]
API_URLS = ["/api/kaart/hgkm/", "/api/aanbod/", "/api/aanbod/een-aanbod/"]


@unreachable_db
def test_public_pages_answer_a_dutch_503_and_recover(client):
    with database_unreachable():
        for url in PUBLIC_URLS:
            response = client.get(url)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "30"
            assert "no-store" in response["Cache-Control"]
            content = response.content.decode()
            assert "<h1>Tijdelijk niet beschikbaar</h1>" in content
            assert "Traceback" not in content and "OperationalError" not in content
            assert "127.0.0.1" not in content
    # Back without a restart.
    for url in PUBLIC_URLS:
        assert client.get(url).status_code == 200, url


@unreachable_db
def test_the_api_answers_a_json_503_in_its_error_shape_and_recovers(client):
    with database_unreachable():
        for url in API_URLS:
            response = client.get(url)
            assert response.status_code == 503, url
            assert response["Content-Type"] == "application/json"
            assert response["Retry-After"] == "30"
            assert "no-store" in response["Cache-Control"]
            body = response.json()
            assert body["error"] == "Tijdelijk niet beschikbaar"
            assert body["fields"]["__all__"][0]["code"] == "unavailable"
            assert "niet beschikbaar" in body["fields"]["__all__"][0]["message"]
            assert "127.0.0.1" not in response.content.decode()
    assert client.get("/api/kaart/hgkm/").status_code == 200
    assert client.get("/api/aanbod/").status_code == 200


@unreachable_db
def test_a_database_that_does_not_answer_gives_the_503_within_the_timeout(client):
    if connection.vendor == "postgresql":
        assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 5
    started = time.monotonic()
    with database_not_answering():
        response = client.get("/kaart/hgkm/")
    assert response.status_code == 503
    assert "<h1>Tijdelijk niet beschikbaar</h1>" in response.content.decode()
    assert time.monotonic() - started < 10
    assert client.get("/kaart/hgkm/").status_code == 200


@unreachable_db
def test_a_logged_in_partner_gets_the_503_page_in_the_admin_and_recovers(client):
    client.force_login(UserFactory(username="partner", is_staff=True, password=None))
    with database_unreachable():
        response = client.get("/beheer/")
        assert response.status_code == 503
        assert "Tijdelijk niet beschikbaar" in response.content.decode()
    assert client.get("/beheer/").status_code == 200


@unreachable_db
def test_the_outage_is_logged_without_personal_data(client, caplog):
    caplog.set_level(logging.INFO)
    with database_unreachable():
        client.get("/organisaties/?q=jan@example.org", HTTP_X_FORWARDED_FOR="203.0.113.9")
    (record,) = [r for r in caplog.records if getattr(r, "event", "") == "database_unavailable"]
    line = KeyValueFormatter().format(record)
    assert "event=database_unavailable" in line
    assert "error=OperationalError" in line
    assert "path=/organisaties/" in line
    assert "jan@example.org" not in caplog.text
    assert "203.0.113.9" not in caplog.text
