"""The monitor's part of other pages: the home page names the largest shortfalls. A template
tag, so that the home page (a lower layer) loads it in its template without importing the
monitor."""

from django import template

from providers.monitor.compare import largest_shortfalls

register = template.Library()


@register.inclusion_tag("monitor/shortfalls.html")
def largest_shortfalls_summary(limit: int = 3):
    return {"shortfalls": largest_shortfalls(limit)}
