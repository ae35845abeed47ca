"""Uploads over the size limit are refused before they are read, with a Dutch 413 page; a file
just over the import's own 5 MB limit gets the import form's Dutch message instead."""

import json
import logging

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from providers.models import Organisation
from tests.factories import UserFactory
from tests.production import production_env, run_python

MB = 1024 * 1024
IMPORT_URL = "/beheer/providers/organisation/import/"


class UnreadableBody:
    """A WSGI input that fails the test as soon as anything reads the request body."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


def oversized(size: int) -> dict:
    """WSGI environ entries for a multipart POST announcing `size` bytes that nobody may read."""
    return {
        "CONTENT_LENGTH": str(size),
        "CONTENT_TYPE": "multipart/form-data; boundary=grens",
        "wsgi.input": UnreadableBody(),
    }


@pytest.fixture
def municipality_client(db):
    user = UserFactory(username="gemeente", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_organisation", "add_organisation", "change_organisation"]
        ),
        Permission.objects.get(codename="manage_all_organisations"),
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def assert_dutch_413(response):
    assert response.status_code == 413
    content = response.content.decode()
    assert '<html lang="nl">' in content
    assert "<h1>Te groot om te versturen</h1>" in content
    assert "groter dan 6\xa0MB" in content
    assert "Traceback" not in content
    # Passed back through the security and CSP middleware like any other page.
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_import_over_the_limit_is_refused_before_the_body_is_read(municipality_client, caplog):
    before = Organisation.objects.count()
    with caplog.at_level(logging.WARNING, logger="sociale_kaart.errors"):
        response = municipality_client.post(IMPORT_URL, **oversized(50 * MB))
    assert_dutch_413(response)
    assert Organisation.objects.count() == before
    logged = [r for r in caplog.records if getattr(r, "event", "") == "request_too_large"]
    assert [(r.path, r.content_length, r.limit) for r in logged] == [(IMPORT_URL, 50 * MB, 6 * MB)]


@pytest.mark.parametrize("path", ["/beheer/login/", "/aanbod/", "/api/aanbod/", "/bestaat-niet/"])
def test_any_oversized_request_is_refused_before_csrf_or_the_view_reads_it(db, path):
    # Anonymous and without CSRF token: the size is checked before anything else reads.
    client = Client(enforce_csrf_checks=True)
    assert_dutch_413(client.post(path, **oversized(6 * MB + 1)))


def test_the_limit_is_a_setting_and_a_body_at_the_limit_passes(db, settings):
    settings.MAX_UPLOAD_SIZE = 2000
    body = "username=jan&password=" + "x" * (2000 - len("username=jan&password="))
    client = Client()
    at_limit = client.post("/beheer/login/", body, content_type="application/x-www-form-urlencoded")
    assert at_limit.status_code == 200  # the login form again, with its own error
    over = client.post(
        "/beheer/login/", body + "x", content_type="application/x-www-form-urlencoded"
    )
    assert over.status_code == 413
    assert "groter dan 2,0\xa0KB" in over.content.decode()


def test_a_file_just_over_five_mb_gets_the_import_forms_dutch_message(municipality_client):
    content = b"naam;rol\n" + b"x" * (MB * 11 // 2)  # 5.5 MB: under the 413 limit
    get = municipality_client.get(IMPORT_URL)
    token = get.cookies["csrftoken"].value
    response = municipality_client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": "1",
            "import_file": SimpleUploadedFile("organisaties.csv", content),
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert errors == ["Het bestand is 5,5\xa0MB groot; de grens is 5 MB. Splits het bestand op."]
    assert response.context.get("confirm_form") is None


PRODUCTION_SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
results = {}
for name, size in [("at_limit", 1000), ("over_limit", 1001)]:
    response = client.post(
        "/beheer/login/", "x" * size, content_type="application/x-www-form-urlencoded",
        HTTP_HOST="kaart.example.nl", secure=True,
    )
    results[name] = response.status_code
print("RESULTS=" + json.dumps(results))
"""


def test_production_reads_the_limit_from_the_environment():
    result = run_python(
        PRODUCTION_SCRIPT,
        production_env(DATABASE_URL="sqlite://:memory:", LOG_LEVEL="ERROR", MAX_UPLOAD_SIZE="1000"),
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULTS="))
    results = json.loads(line.removeprefix("RESULTS="))
    assert results["over_limit"] == 413
    assert results["at_limit"] != 413
