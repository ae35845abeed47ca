"""The whole-response cache for anonymous visitors, as one middleware outside the session.

Django's own `UpdateCacheMiddleware`/`FetchFromCacheMiddleware` pair shows the pattern: the
cache must sit outside the session, message and authentication middleware, so that it sees
the final response (cookies, `Vary`) and decides before any of them reads the request. This
middleware does both halves. It serves and stores only:

- GET (and HEAD) requests to a view marked with `cache_public_page`, whose query string holds
  nothing but the parameters that view names (arbitrary parameters cannot fill the cache);
- from a visitor without a session cookie and without a messages cookie: a logged-in partner,
  or someone who just logged out with a flash message pending, always gets a fresh page;
- responses that are a plain 200 and hold nothing personal: no cookie set, no CSRF token,
  no CSP nonce, and no `Vary` other than on the cookie and the language (the site speaks one).

A JSON body is stored gzipped as well and served so to a client that accepts gzip (the
national matrix JSON shrinks by more than 90%); only these anonymous, secret-free responses
are compressed, so compression cannot leak a token through the size (BREACH).

Entries live under the data version (`sociale_kaart.cache`), so every change of the data
makes them unreachable. Place it after WhiteNoise and before SessionMiddleware.
"""

import re

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re, patch_vary_headers
from django.utils.text import compress_string

from sociale_kaart.cache import stored_or_rendered, version_scope, versioned_key

# The marker a view carries: the query parameter names it may be cached for.
PARAMS_ATTRIBUTE = "response_cache_params"
# Vary headers that do not split an anonymous visitor's page: the cache only serves requests
# without session and messages cookies, and the site has one language.
HARMLESS_VARY = frozenset({"cookie", "accept-language"})
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def cache_public_page(allowed_params=()):
    """Mark a public view as cacheable for anonymous visitors (see `ResponseCacheMiddleware`).
    `allowed_params`: the query parameter names it may be cached for."""

    def decorator(view):
        setattr(view, PARAMS_ATTRIBUTE, frozenset(allowed_params))
        return view

    return decorator


class ResponseCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The data version is read once for the whole request (the key here, the view's
        # matrices and choices), unless the request itself writes.
        with version_scope():
            return self._respond(request)

    def _respond(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        rendered = {}

        def render():
            response = rendered["response"] = self.get_response(request)
            if request.method != "GET" or not _is_cacheable(request, response):
                return None
            headers = [(name, value) for name, value in response.items()]
            return (response.status_code, headers, response.content, _compressed(response))

        stored = stored_or_rendered(key, render, size=_stored_size)
        if stored is None:
            return rendered["response"]
        return _from_stored(request, stored)

    def _key(self, request) -> str | None:
        if request.method not in ("GET", "HEAD"):
            return None
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        allowed = getattr(match.func, PARAMS_ATTRIBUTE, None)
        if allowed is None:
            return None
        try:
            names = list(request.GET)
        except TooManyFieldsSent:  # the view answers that, uncached
            return None
        if any(name not in allowed for name in names):
            return None
        query = sorted((name, value) for name, values in request.GET.lists() for value in values)
        return versioned_key("response", request.path_info, query)


def _is_cacheable(request, response) -> bool:
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and vary <= HARMLESS_VARY
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and not isinstance(getattr(request, "_csp_nonce", None), str)
    )


def _stored_size(stored) -> int:
    return len(stored[2]) + len(stored[3] or b"")


def _compressed(response) -> bytes | None:
    """The gzip of a JSON body, made once when it is stored; None for other responses.

    Only what this cache stores is compressed: anonymous responses without cookies, CSRF
    token or nonce, so that compression cannot leak a secret through the size (BREACH)."""
    if not response.get("Content-Type", "").startswith("application/json"):
        return None
    return compress_string(response.content)


def _from_stored(request, stored) -> HttpResponse:
    status, headers, content, *rest = stored  # entries stored before compression have 3
    compressed = rest[0] if rest else None
    gzip = compressed is not None and bool(
        ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", ""))
    )
    response = HttpResponse(compressed if gzip else content, status=status)
    for name, value in headers:
        response[name] = value
    if compressed is not None:
        patch_vary_headers(response, ("Accept-Encoding",))
    if gzip:
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(compressed))
    return response
