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

Entries live under the data version (`sociale_kaart.cache`), so every change of the data
makes them unreachable. Place it after WhiteNoise and before SessionMiddleware.
"""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re

from sociale_kaart.cache import store_response, stored_response, versioned_key

# The marker a view carries: the query parameter names it may be cached for.
PARAMS_ATTRIBUTE = "response_cache_params"
# Vary headers that do not split an anonymous visitor's page: the cache only serves requests
# without session and messages cookies, and the site has one language.
HARMLESS_VARY = frozenset({"cookie", "accept-language"})


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
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        stored = stored_response(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if request.method == "GET" and _is_cacheable(request, response):
            headers = [(name, value) for name, value in response.items()]
            store_response(
                key, (response.status_code, headers, response.content), len(response.content)
            )
        return response

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
