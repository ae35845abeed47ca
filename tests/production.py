"""Run Django in a subprocess with production variables (DEBUG off), as a server would start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Variables read by settings.py that a developer's shell might have set; the subprocess starts
# from a clean slate and sets only what each test asks for.
SETTINGS_VARIABLES = (
    # Set by the browser tests for Playwright; Django warns about it in a deployment check.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "LOG_LEVEL",
    "MAX_UPLOAD_SIZE",
    "REDIS_URL",
    "CACHE_SINGLE_PROCESS",
)


def production_env(**overrides: str | None) -> dict[str, str]:
    """DEBUG off with a random 50+ character SECRET_KEY, ALLOWED_HOSTS=kaart.example.nl and
    one process without Redis (CACHE_SINGLE_PROCESS=1); an override of None removes the
    variable."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="sociale_kaart.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="kaart.example.nl",
        CACHE_SINGLE_PROCESS="1",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(["manage.py", *args], env)


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(["-c", code], env)
