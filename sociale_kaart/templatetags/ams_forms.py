"""Form widgets in the City of Amsterdam design system: `{{ field|ams_widget }}`.

Django renders widgets without classes; this adds the design system's class for the kind of
widget (ams-select, ams-text-input, ams-text-area) at render time, so forms and filter sets
stay free of presentation. Django's own attributes (aria-describedby, aria-invalid) remain.
"""

from django import forms, template
from django.forms.widgets import Input

register = template.Library()

# Checked in order: the first class the widget is an instance of wins.
WIDGET_CLASSES = (
    (forms.Select, "ams-select"),  # also SelectMultiple
    (forms.Textarea, "ams-text-area"),
    (forms.CheckboxInput, ""),
    (Input, "ams-text-input"),  # text, number, e-mail, url, search, password, date
)


def widget_class(widget: forms.Widget) -> str:
    """The design system's class for `widget`; none for radio buttons, check boxes and
    custom widgets, which bring their own markup."""
    for kind, css in WIDGET_CLASSES:
        if isinstance(widget, kind):
            return css
    return ""


@register.filter
def ams_widget(field: forms.BoundField):
    """The field's widget, with the design system's class added to any class it has."""
    css = widget_class(field.field.widget)
    if not css:
        return field.as_widget()
    existing = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})
