"""Template filters for the admin's Dutch (see sociale_kaart/admin.py)."""

from django import template
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

# Django's admin writes a boolean's icon with the value itself as its text: alt="True".
BOOLEAN_ICON_TEXT = {
    'alt="True"': 'alt="ja"',
    'alt="False"': 'alt="nee"',
    'alt="None"': 'alt="onbekend"',
}


@register.filter
def dutch_boolean_icons(cell):
    """A rendered cell of the change list with its yes/no icons named in Dutch."""
    text = str(cell)
    for english, dutch in BOOLEAN_ICON_TEXT.items():
        text = text.replace(english, dutch)
    return mark_safe(text) if isinstance(cell, SafeData) else text
