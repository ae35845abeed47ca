"""Login protection that protects partners instead of locking them out.

- `client_address`: the visitor's own address. Behind a reverse proxy every request comes from
  the proxy, so the address is read from X-Forwarded-For, counting `TRUSTED_PROXY_COUNT`
  entries from the right (each trusted proxy appends the address it received the request
  from; anything further left was sent by the visitor and cannot be trusted). django-axes
  locks on username and this address together (`AXES_CLIENT_IP_CALLABLE`), so somebody
  guessing elsewhere cannot lock a partner out.
- `lockout_response`: django-axes' answer to a locked login (`AXES_LOCKOUT_CALLABLE`): the
  Dutch page with the time that is really left, and `Retry-After`. Attempts made during a
  lock-out are not recorded (`AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False`), so
  they do not extend it.
- `ThrottledPasswordResetView`: at most a few reset mails per hour per address and per
  e-mail address asked for, counted whether an account exists or not, so the answer never
  tells which addresses have one.
"""

import ipaddress
import logging
import math

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone

logger = logging.getLogger("sociale_kaart.login_protection")

RESET_MAILS_PER_ADDRESS = 5
RESET_MAILS_PER_ACCOUNT = 3
RESET_WINDOW_SECONDS = 60 * 60
RESET_THROTTLED = (
    "Vanaf dit adres of voor dit e-mailadres is de afgelopen tijd te vaak een nieuw wachtwoord "
    "aangevraagd. Probeer het over een uur opnieuw. Lukt het dan nog niet, neem dan contact op "
    "met de gemeente."
)


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The address of the visitor, as the trusted proxies in front of the site report it.

    With `TRUSTED_PROXY_COUNT` 0 (no proxy) it is REMOTE_ADDR. With n proxies it is the n-th
    entry of X-Forwarded-For from the right; with fewer entries (a request that did not pass
    all proxies) the leftmost one, as far as the trusted proxies go. An entry that is no
    address falls back to REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    candidate = forwarded[-count] if len(forwarded) >= count else forwarded[0]
    return _valid_address(candidate) or remote


def lockout_seconds_left(request, credentials=None) -> int:
    """Seconds until the lock-out of this username at this address ends."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return 0
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    last = (
        AccessAttempt.objects.filter(
            username=username,
            ip_address=address,
            attempt_time__gte=timezone.now() - cool_off,
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None:
        return int(cool_off.total_seconds())
    return max(1, math.ceil((last + cool_off - timezone.now()).total_seconds()))


def lockout_response(request, original_response=None, credentials=None):
    """The Dutch 429 page of a locked login, saying how long the lock lasts, with
    `Retry-After` in seconds."""
    seconds = lockout_seconds_left(request, credentials)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "retry_minutes": max(1, math.ceil(seconds / 60)),
    }
    response = render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    response["Retry-After"] = str(seconds)
    return response


def _count(key: str) -> int:
    """Add one to the counter `key` (it lasts RESET_WINDOW_SECONDS from its first count) and
    return it. Without a working cache nothing is counted (0): the reset stays possible."""
    try:
        cache.add(key, 0, RESET_WINDOW_SECONDS)
        return cache.incr(key)
    except Exception:  # the cache (Redis) is unreachable; never refuse a reset because of it
        logger.warning("reset throttle unavailable", extra={"event": "reset_throttle_failed"})
        return 0


def password_reset_allowed(request, email: str) -> bool:
    """Count a request for a reset mail to `email` from this visitor; False once either the
    address or the e-mail address asked too often within the hour."""
    address = client_address(request) or "unknown"
    per_address = _count(f"password-reset:address:{address}")
    per_account = _count(f"password-reset:email:{email.strip().lower()}")
    return per_address <= RESET_MAILS_PER_ADDRESS and per_account <= RESET_MAILS_PER_ACCOUNT


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, refusing with a Dutch 429 once the visitor's address or the
    e-mail address asked too often; the same answer whether an account exists or not."""

    def form_valid(self, form):
        if not password_reset_allowed(self.request, form.cleaned_data["email"]):
            logger.warning("password reset throttled", extra={"event": "reset_throttled"})
            form.add_error(None, RESET_THROTTLED)
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(RESET_WINDOW_SECONDS)
            return response
        return super().form_valid(form)
