"""A cap on expensive requests, so that a burst of them cannot keep every worker busy.

A view marked with `limit_expensive(is_expensive)` counts, when `is_expensive(request)` holds:

- per client: at most EXPENSIVE_REQUESTS_PER_CLIENT such requests per
  EXPENSIVE_WINDOW_SECONDS (a counter per client and window in the cache);
- in total: at most EXPENSIVE_CONCURRENT of them computing at the same moment, over all workers
  (slots in the cache, each taken with an atomic `add` and given back when the response is
  made; a slot of a worker that died frees itself after EXPENSIVE_SLOT_SECONDS).

Beyond either cap the request answers 429 at once, with `Retry-After`: a Dutch page, or the
API's JSON error under /api/. Put the decorator closest to the view, inside `cache_public_page`:
a page the response cache already holds is cheap and never counts. 0 switches a cap off.

The client is the connection's address (REMOTE_ADDR), or the header that
EXPENSIVE_CLIENT_HEADER names (e.g. HTTP_X_REAL_IP, when the proxy sets it); the cache holds
only a hash of it.
"""

import hashlib
import math
import secrets
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template import loader

from sociale_kaart.api import json_error

BUSY_RETRY_SECONDS = 2


def _client(request) -> str:
    header = getattr(settings, "EXPENSIVE_CLIENT_HEADER", "") or "REMOTE_ADDR"
    address = request.META.get(header, "") or request.META.get("REMOTE_ADDR", "")
    # The first address of a list (X-Forwarded-For style) is the visitor's.
    address = address.split(",")[0].strip()
    return hashlib.blake2b(address.encode(), digest_size=12).hexdigest()


def _client_retry_after(request) -> int | None:
    """None when the client may make one more expensive request now (counted); otherwise the
    seconds until its window ends."""
    limit = settings.EXPENSIVE_REQUESTS_PER_CLIENT
    if not limit:
        return None
    window = settings.EXPENSIVE_WINDOW_SECONDS
    now = time.time()
    key = f"expensive:client:{_client(request)}:{int(now // window)}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=window + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil(window - now % window))


def take_slot() -> str | None:
    """A free slot's key, taken; None when all are taken ("" when there is no total cap)."""
    slots = settings.EXPENSIVE_CONCURRENT
    if not slots:
        return ""
    token = secrets.token_hex(8)
    for number in range(slots):
        key = f"expensive:slot:{number}"
        if cache.add(key, token, timeout=settings.EXPENSIVE_SLOT_SECONDS):
            return f"{key}|{token}"
    return None


def give_back(slot: str) -> None:
    if not slot:
        return
    key, token = slot.split("|")
    if cache.get(key) == token:
        cache.delete(key)


def too_many_requests(request, retry_after: int) -> HttpResponse:
    """429 with `Retry-After`: the API's JSON error under /api/, else a Dutch page."""
    if request.path.startswith("/api/"):
        response = json_error(
            "Te veel zoekvragen",
            {
                "__all__": [
                    {
                        "message": f"Er zijn nu te veel zoekvragen. Probeer het over "
                        f"{retry_after} seconden opnieuw.",
                        "code": "too_many_requests",
                    }
                ]
            },
            status=429,
        )
    else:
        content = loader.get_template("errors/busy.html").render({"retry_after": retry_after})
        response = HttpResponse(content, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def limit_expensive(is_expensive):
    """Cap the requests to the decorated view for which `is_expensive(request)` holds."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not is_expensive(request):
                return view(request, *args, **kwargs)
            retry_after = _client_retry_after(request)
            if retry_after is not None:
                return too_many_requests(request, retry_after)
            slot = take_slot()
            if slot is None:
                return too_many_requests(request, BUSY_RETRY_SECONDS)
            try:
                return view(request, *args, **kwargs)
            finally:
                give_back(slot)

        return wrapper

    return decorator
