import json

import pytest

from tests.production import production_env, run_manage, run_python

# Requests through Django's test client in a production process. The database is an empty
# in-memory SQLite one: /healthz only needs it to answer SELECT 1.
CLIENT_SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
results = {}
for name, path, extra in [
    ("home_over_http", "/", {}),
    ("healthz_over_http", "/healthz", {}),
    ("healthz_over_https", "/healthz", {"secure": True}),
    ("healthz_behind_proxy", "/healthz", {"HTTP_X_FORWARDED_PROTO": "https"}),
    ("home_behind_proxy", "/", {"HTTP_X_FORWARDED_PROTO": "https"}),
]:
    response = client.get(path, HTTP_HOST="kaart.example.nl", **extra)
    results[name] = {"status": response.status_code, "headers": dict(response.headers)}
print("RESULTS=" + json.dumps(results))
"""


def client_results(**overrides):
    result = run_python(
        CLIENT_SCRIPT,
        production_env(DATABASE_URL="sqlite://:memory:", LOG_LEVEL="ERROR", **overrides),
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULTS="))
    return json.loads(line.removeprefix("RESULTS="))


def test_deploy_check_passes_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_when_https_is_switched_off():
    # Shows the check above can fail: without SSL redirect and HSTS it warns.
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0"),
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_deploy_check_fails_without_a_shared_cache():
    # Several workers without Redis would serve each other's stale pages.
    env = production_env(CACHE_SINGLE_PROCESS=None)
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "sociale_kaart.W001" in result.stderr and "REDIS_URL" in result.stderr


@pytest.mark.parametrize(
    "setting", [{"REDIS_URL": "redis://127.0.0.1:6379/0"}, {"CACHE_SINGLE_PROCESS": "1"}]
)
def test_deploy_check_accepts_redis_or_the_single_process_switch(setting):
    env = production_env(**{"CACHE_SINGLE_PROCESS": None, **setting})
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    result = run_manage("check", env=production_env(**{missing: None}))
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off." in result.stderr


def test_malformed_proxy_ssl_header_refuses_to_start():
    result = run_manage(
        "check", env=production_env(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    )
    assert result.returncode != 0
    assert 'SECURE_PROXY_SSL_HEADER must be "HEADER,value"' in result.stderr


def test_production_redirects_to_https_and_sends_hsts():
    results = client_results()
    assert results["home_over_http"]["status"] == 301
    assert results["home_over_http"]["headers"]["Location"] == "https://kaart.example.nl/"
    # The load balancer's probe is not redirected.
    assert results["healthz_over_http"]["status"] == 200
    secure = results["healthz_over_https"]
    assert secure["status"] == 200
    assert secure["headers"]["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert secure["headers"]["X-Frame-Options"] == "DENY"
    assert secure["headers"]["X-Content-Type-Options"] == "nosniff"
    assert secure["headers"]["Referrer-Policy"] == "same-origin"
    assert secure["headers"]["Cross-Origin-Opener-Policy"] == "same-origin"
    # Without SECURE_PROXY_SSL_HEADER a forwarded header is not trusted.
    assert results["home_behind_proxy"]["status"] == 301


def test_production_behind_proxy_trusts_the_configured_header():
    results = client_results(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")
    assert results["home_over_http"]["status"] == 301
    assert results["healthz_behind_proxy"]["status"] == 200
    assert "Strict-Transport-Security" in results["healthz_behind_proxy"]["headers"]
    # Not redirected any more: the request reaches the view (which fails here, as this
    # process has neither a migrated database nor collected static files).
    assert results["home_behind_proxy"]["status"] != 301
    assert "Location" not in results["home_behind_proxy"]["headers"]


def test_ssl_redirect_can_be_switched_off_for_a_proxy_that_redirects_itself():
    results = client_results(SECURE_SSL_REDIRECT="0")
    assert results["home_over_http"]["status"] != 301
    assert "Location" not in results["home_over_http"]["headers"]
