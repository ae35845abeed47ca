import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.error_urls import SECRET_DETAIL

# Signs of a leak: Django's debug pages, tracebacks, settings, the exception's own text.
LEAKS = ["Traceback", "Exception Value", "DATABASES", "SECRET_KEY", "settings.py", SECRET_DETAIL]


def assert_dutch_page_without_leaks(response, heading):
    content = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="nl">' in content
    assert f"<h1>{heading}</h1>" in content
    assert "Naar de startpagina" in content
    for leak in [*LEAKS, settings.SECRET_KEY]:
        assert leak not in content
    return content


def test_unknown_page_is_a_dutch_404_that_does_not_echo_the_address(client, db):
    response = client.get("/geheim-pad-xyz/?q=jan@example.org")
    assert response.status_code == 404
    content = assert_dutch_page_without_leaks(response, "Pagina niet gevonden")
    assert "geheim-pad-xyz" not in content
    assert "jan@example.org" not in content


def test_unknown_organisation_is_a_dutch_404(client, db):
    response = client.get("/organisaties/bestaat-niet/")
    assert response.status_code == 404
    assert_dutch_page_without_leaks(response, "Pagina niet gevonden")


@pytest.fixture
def error_client(db, settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    return Client(raise_request_exception=False)


def test_server_error_is_a_dutch_500_without_traceback(error_client):
    response = error_client.get("/fout/")
    assert response.status_code == 500
    assert_dutch_page_without_leaks(response, "Er ging iets mis")


def test_permission_denied_is_a_dutch_403(error_client):
    response = error_client.get("/geen-toegang/")
    assert response.status_code == 403
    assert_dutch_page_without_leaks(response, "Geen toegang")


def test_suspicious_request_is_a_dutch_400(error_client):
    response = error_client.get("/verdacht/")
    assert response.status_code == 400
    assert_dutch_page_without_leaks(response, "Ongeldig verzoek")


def test_unknown_host_is_a_dutch_400(client, db):
    response = client.get("/", HTTP_HOST="aanvaller.example.com")
    assert response.status_code == 400
    content = assert_dutch_page_without_leaks(response, "Ongeldig verzoek")
    assert "aanvaller" not in content


def test_too_many_requests_is_a_dutch_429_without_the_user_name(error_client):
    response = error_client.get("/te-veel/")
    assert response.status_code == 429
    content = assert_dutch_page_without_leaks(response, "Te veel pogingen")
    assert "jan@example.org" not in content


def test_csrf_failure_is_a_dutch_403_without_the_technical_reason(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/beheer/login/", {"username": "jan", "password": "geheim"})
    assert response.status_code == 403
    content = assert_dutch_page_without_leaks(response, "Formulier niet verzonden")
    assert "CSRF" not in content
    assert "geheim" not in content


@override_settings(
    ROOT_URLCONF="tests.error_urls",
    MIDDLEWARE=[*settings.MIDDLEWARE, "tests.error_urls.DatabaseDownInMiddleware"],
)
def test_database_down_outside_a_view_is_still_the_dutch_503(db):
    client = Client(raise_request_exception=False)
    response = client.get("/middleware-database-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert_dutch_page_without_leaks(response, "Tijdelijk niet beschikbaar")
    assert "127.0.0.1" not in response.content.decode()


def test_broken_error_template_still_gives_a_dutch_page(error_client, settings, tmp_path):
    # Mimics production without collected static files: the error page's template fails.
    (tmp_path / "500.html").write_text("{% load static %}{% static 'ontbreekt.css' %}")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    response = error_client.get("/fout/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "<h1>Er ging iets mis. Probeer het later opnieuw.</h1>" in content
    assert SECRET_DETAIL not in content and "Traceback" not in content
