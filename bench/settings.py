"""Settings for the benchmark only: the application's settings plus a trivial view.

`bench/run.py` runs the application with these (DEBUG off, SECRET_KEY and ALLOWED_HOSTS set by
the runner); production never loads this module.
"""

import os

from sociale_kaart.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Collected static files for the manifest storage that DEBUG off uses (a temporary directory).
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
# Loopback without TLS: never redirect to https here, whatever production does.
SECURE_SSL_REDIRECT = False
# `CACHE_WHOLE_RESPONSES=0` measures the pages with only the computed coverage cached: the
# response cache middleware is left out.
if os.environ.get("CACHE_WHOLE_RESPONSES", "1") == "0":
    MIDDLEWARE = [m for m in MIDDLEWARE if not m.endswith(".ResponseCacheMiddleware")]  # noqa: F405
# The benchmark is one client that fires every page, cold and warm, from many connections: the
# caps on expensive requests (sociale_kaart/throttle.py) would measure 429s instead of pages.
# Set them through the environment for a run that measures a burst.
EXPENSIVE_REQUESTS_PER_CLIENT = int(os.environ.get("EXPENSIVE_REQUESTS_PER_CLIENT", "0"))
EXPENSIVE_CONCURRENT = int(os.environ.get("EXPENSIVE_CONCURRENT", "0"))
