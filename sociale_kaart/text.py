"""Text as people type it, without the invisible control characters that change how it shows.

Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) make a name read
backwards ("Hulp" shown as "pluH") or pull neighbouring text along; zero-width characters
(U+200B-U+200F, U+2060, U+FEFF) make two names that look the same differ, or hide inside one.
Neither belongs in a name, a phone number or any other short text field, so they are taken out
of every CharField of the project's models before it is written: `connect_text_cleaning`
hooks `clean_short_texts` to every save (the admin, the services, imports, scripts), and
`VersionedQuerySet` (sociale_kaart/cache.py) to the bulk writes, which send no signals, and
`CleanShortTextsMixin` to the validation of the project's models (forms, imports). Slugs
are made from the cleaned names and are ASCII besides. Long texts (descriptions) are left
alone: there these characters also join emoji and set the direction of right-to-left text.
"""

from django.db import models
from django.db.models.signals import pre_save

INVISIBLE_CONTROLS = dict.fromkeys(
    [
        *range(0x200B, 0x2010),  # zero-width space, non-joiner, joiner; LRM, RLM
        *range(0x202A, 0x202F),  # LRE, RLE, PDF, LRO, RLO
        *range(0x2066, 0x206A),  # LRI, RLI, FSI, PDI
        0x2060,  # word joiner
        0xFEFF,  # zero-width no-break space (byte order mark)
    ]
)


def strip_invisible(text: str) -> str:
    """`text` without bidirectional and zero-width control characters."""
    return text.translate(INVISIBLE_CONTROLS)


def clean_short_texts(instance: models.Model) -> None:
    """Take the invisible control characters out of every CharField of `instance`."""
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField):
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            cleaned = strip_invisible(value)
            if cleaned != value:
                setattr(instance, field.attname, cleaned)


class CleanShortTextsMixin:
    """For a model: its short texts are cleaned before validation as well, so that a form or
    an import checks uniqueness on the name that will be saved ("Alfa\u200bHulp" is
    "AlfaHulp")."""

    def clean_fields(self, exclude=None):
        clean_short_texts(self)
        super().clean_fields(exclude=exclude)


def _clean_before_save(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata writes a backup as it was made
        clean_short_texts(instance)


def connect_text_cleaning(models_to_clean) -> None:
    """Clean the short texts of every instance of `models_to_clean` before it is saved."""
    for model in models_to_clean:
        pre_save.connect(
            _clean_before_save, sender=model, dispatch_uid=f"clean-text-{model._meta.label_lower}"
        )
