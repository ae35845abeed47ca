import logging
import sys

from sociale_kaart.logs import KeyValueFormatter
from tests.factories import UserFactory
from tests.production import production_env, run_python

# A request in a fresh process with the project's logging configuration, as under gunicorn.
REQUEST_SCRIPT = """
import django
django.setup()
from django.test import Client
Client().get(
    "/healthz?q=jan@example.org&naam=Jan+Jansen",
    HTTP_HOST="kaart.example.nl",
    REMOTE_ADDR="203.0.113.9",
    secure=True,
)
"""


def request_lines(caplog):
    return [
        KeyValueFormatter().format(record)
        for record in caplog.records
        if record.name == "sociale_kaart.requests"
    ]


def test_a_request_logs_method_path_status_and_duration(client, db, caplog):
    caplog.set_level(logging.INFO)
    client.get("/kaart/hgkm/")
    (line,) = request_lines(caplog)
    assert "event=request method=GET path=/kaart/hgkm/ status=200 duration_ms=" in line
    assert line.startswith("time=")
    assert " level=INFO logger=sociale_kaart.requests " in line


def test_query_strings_users_and_addresses_stay_out_of_the_log(client, db, caplog):
    caplog.set_level(logging.DEBUG)
    user = UserFactory(username="jan.jansen", email="jan.jansen@example.org", password=None)
    client.force_login(user)
    client.get(
        "/organisaties/?q=jan@example.org",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        REMOTE_ADDR="198.51.100.7",
    )
    client.get("/bestaat-niet/?q=jan@example.org")
    lines = [KeyValueFormatter().format(record) for record in caplog.records]
    assert any("path=/organisaties/ status=200" in line for line in lines)
    assert any("path=/bestaat-niet/ status=404" in line for line in lines)
    for line in lines:
        assert "jan@example.org" not in line
        assert "q=" not in line
        assert "203.0.113.9" not in line and "198.51.100.7" not in line
        assert "jan.jansen" not in line


def test_requests_are_logged_as_key_value_lines_on_stdout(tmp_path):
    env = production_env(DATABASE_URL="sqlite://:memory:", LOG_LEVEL="INFO")
    result = run_python(REQUEST_SCRIPT, env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(
        " logger=sociale_kaart.requests msg=request event=request method=GET path=/healthz "
        "status=200 duration_ms=" in line
        for line in lines
    ), result.stdout
    assert "jan@example.org" not in result.stdout + result.stderr
    assert "Jansen" not in result.stdout + result.stderr
    assert "203.0.113.9" not in result.stdout + result.stderr


def test_values_are_quoted_and_tracebacks_stay_on_one_line():
    logger = logging.getLogger("sociale_kaart.test")
    record = logger.makeRecord(
        logger.name,
        logging.ERROR,
        __file__,
        1,
        'failed "%s"',
        ("x",),
        None,
        extra={"path": "/a b", "count": 3, "request": object()},
    )
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = KeyValueFormatter().format(record)
    assert "\n" not in line
    assert 'msg="failed \\"x\\""' in line
    assert 'path="/a b" count=3' in line
    assert "request=" not in line
    assert 'exc="Traceback (most recent call last):\\n' in line
