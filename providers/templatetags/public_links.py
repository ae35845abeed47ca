"""Links to web addresses that partners typed in: only http(s) addresses become links; and
the contact of an offer (providers.public.offer_contact) for the templates."""

from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html

from providers.public import offer_contact as contact_of

register = template.Library()

WEB_SCHEMES = {"http", "https"}


def is_web_address(url: str) -> bool:
    """True for an http or https address. The scheme is read as a browser reads it (leading
    spaces and control characters, tabs and newlines ignored), so `java\tscript:` is no
    disguise."""
    try:
        return urlsplit(url).scheme.lower() in WEB_SCHEMES
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False


@register.filter
def web_link(url: str):
    """An `<a href>` to an http(s) address; any other value (`javascript:`, `data:`, an
    address without scheme) shows as escaped text. Model validation already refuses such
    websites; this holds for data that bypassed it (a bulk import, a database console)."""
    if url and is_web_address(url):
        return format_html('<a class="ams-link" href="{}">{}</a>', url, url)
    return url


@register.simple_tag
def offer_contact(offer):
    """`{% offer_contact offer as contact %}`: how to reach the offer (providers.public)."""
    return contact_of(offer)
