"""Template helpers for the matrix page."""

from functools import lru_cache

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from providers.selectors import search_url

register = template.Library()


@register.filter
def organisation_links(organisations):
    """`<li><a href="...">name</a></li>` for each organisation, escaped.

    One call instead of a template loop, with each organisation's item remembered: a national
    matrix page lists about a thousand organisations, and the loop took most of the time of
    rendering a page that is not in the cache yet.
    """
    return mark_safe("".join(_item(o.url, o.name) for o in organisations))


@lru_cache(maxsize=20_000)
def _item(url: str, name: str) -> str:
    return f'<li><a href="{escape(url)}">{escape(name)}</a></li>'


@register.simple_tag
def cell_search_url(filterset, cell, maybe=False):
    """The search for a matrix cell under the page's filters (each cell links to it); with
    `maybe`, including the offers whose filtered facts are unknown."""
    return search_url(
        filterset, phase=cell.phase.slug, violence_type=cell.violence_type.slug, maybe=maybe
    )
