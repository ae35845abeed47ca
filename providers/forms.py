"""Admin forms: the offer with its position grid, the organisation, both refusing to overwrite
someone else's newer save, and the invitation of a partner user."""

from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, OuterRef
from simple_history.models import to_historic

from frameworks.grids import build_grids
from frameworks.models import Framework
from providers import history, services
from providers.invitations import ACCOUNT_EXISTS
from providers.models import OFFER_RECORD_FIELDS, Offer, Organisation, Position
from sociale_kaart.parsing import whole_number


def cell_label(phase, violence_type) -> str:
    return f"{phase.name} – {violence_type.name}"


class PositionGridWidget(forms.CheckboxSelectMultiple):
    """Checkboxes laid out as one table per framework: phases as rows, violence types as
    columns. Every checkbox carries a label ("Preventie – Kindermishandeling") for screen
    readers; the table headers give sighted users the same reading.

    `frameworks_in_use` (framework ids; empty: none known) are shown open; the grid of any
    other framework is folded under "Ook positioneren in ...", open once a cell of it is
    checked. Each table scrolls sideways in its own region on a narrow screen."""

    template_name = "admin/providers/widgets/position_grid.html"

    class Media:
        css = {"all": ["css/admin-grid.css"]}

    def __init__(self, attrs=None, grids=()):
        super().__init__(attrs)
        self.grids = list(grids)
        self.frameworks_in_use: set[int] = set()

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.grids = self.grids
        copy.frameworks_in_use = self.frameworks_in_use
        return copy

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        checked = {str(v) for v in value or ()}
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        grids = [
            {
                "framework": grid.framework,
                "folded": bool(self.frameworks_in_use)
                and grid.framework.pk not in self.frameworks_in_use,
                "open": any(cell.key in checked for row in grid.rows for cell in row.cells),
                "violence_types": grid.violence_types,
                "rows": [
                    {
                        "phase": row.phase,
                        "cells": [
                            {
                                "value": cell.key,
                                "id": f"{base_id}_{cell.key}",
                                "label": cell_label(cell.phase, cell.violence_type),
                                "checked": cell.key in checked,
                            }
                            for cell in row.cells
                        ],
                    }
                    for row in grid.rows
                ],
            }
            for grid in self.grids
        ]
        # The frameworks in use first, in their own order; the folded ones after them.
        context["grids"] = sorted(grids, key=lambda grid: grid["folded"])
        context["disabled"] = bool(context["widget"]["attrs"].get("disabled"))
        return context


class PositionGridField(forms.MultipleChoiceField):
    """The cells an offer covers, posted as "phaseslug__violencetypeslug" keys.

    The grids (frameworks, phases, violence types) come from the database, so the form sets
    them per instance with `set_grids`. `clean` returns a set of (phase_id, violence_type_id).
    """

    widget = PositionGridWidget

    def __init__(self, **kwargs):
        super().__init__(choices=(), **kwargs)
        self.cells: dict[str, tuple[int, int]] = {}

    def set_grids(self, grids):
        cells = [cell for grid in grids for row in grid.rows for cell in row.cells]
        self.cells = {cell.key: (cell.phase.pk, cell.violence_type.pk) for cell in cells}
        self.choices = [(cell.key, cell_label(cell.phase, cell.violence_type)) for cell in cells]
        self.widget.grids = list(grids)

    def keys_for(self, held) -> list[str]:
        by_ids = {ids: key for key, ids in self.cells.items()}
        return [by_ids[ids] for ids in held if ids in by_ids]

    def clean(self, value):
        keys = super().clean(value)
        return {self.cells[key] for key in keys}

    def has_changed(self, initial, data):
        return set(initial or ()) != set(data or ())


def https_formfield(db_field, **kwargs):
    """Model form fields as usual, but URL fields assume https (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class VersionField(forms.CharField):
    """The hidden version number a form was loaded with; anything but a number is None."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Versie bij het openen van het formulier")
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return whole_number(super().to_python(value))


class VersionedModelForm(forms.ModelForm):
    """A model form that will not overwrite someone else's newer save (optimistic locking).

    The form carries the version of the object as it was loaded (`loaded_version`, hidden).
    On submit `clean` locks the object's row for the rest of the admin's transaction and
    compares versions. When someone saved in between, the form is invalid with a non-field
    error: nothing is saved, the user's input stays in the form, and the error names the
    fields where that input differs from what is saved now. The hidden version moves on to
    the saved one, so that saving again (after looking) knowingly replaces those fields.
    The save itself (providers/services.py) checks the version once more, atomically.
    """

    loaded_version = VersionField()
    #: Form fields that are no data of the object, left out of the list of differences.
    conflict_ignored_fields = frozenset({"loaded_version"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.initial["loaded_version"] = self.instance.version
            if to_historic(self.instance) is not None:
                # A version from the history, to view or revert: its records keep no version
                # number, and a revert replaces what is saved now.
                self.initial["loaded_version"] = (
                    type(self.instance)
                    ._default_manager.filter(pk=self.instance.pk)
                    .values_list("version", flat=True)
                    .first()
                )

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("loaded_version")

    def clean(self):
        cleaned_data = super().clean()
        if self.instance._state.adding:
            return cleaned_data
        saved = services.locked_version(self.instance)
        if saved is None or cleaned_data.get("loaded_version") != saved:
            self.refuse_stale_edit(saved)
        return cleaned_data

    def refuse_stale_edit(self, saved_version: int | None) -> None:
        differing = [
            str(self.fields[name].label or name)
            for name in self.changed_data
            if name not in self.conflict_ignored_fields
        ]
        errors = [services.edit_conflict(self.instance)]
        if differing:
            errors.append(
                forms.ValidationError(
                    "Uw invoer wijkt af van wat nu is opgeslagen bij: "
                    f"{', '.join(differing)}. Slaat u opnieuw op, dan vervangt uw invoer "
                    "daar wat er nu staat; de geschiedenis toont wat er is gewijzigd.",
                    code="edit_conflict_fields",
                )
            )
        # Re-render with the user's input, but with the version that is saved now.
        data = self.data.copy()
        data[self.add_prefix("loaded_version")] = str(saved_version or "")
        self.data = data
        self.add_error(None, errors)


class OrganisationAdminForm(VersionedModelForm):
    """The organisation in the admin (the ModelAdmin narrows the fields for partners)."""

    class Meta:
        model = Organisation
        formfield_callback = https_formfield
        fields = [
            "name",
            "slug",
            "role",
            "description",
            "website",
            "phone",
            "email",
            "report_labels",
            "members",
            "source",
        ]


class OfferAdminForm(VersionedModelForm):
    positions = PositionGridField(
        required=False,
        label="Posities",
        help_text="Vink per analysekader de cellen aan (fase × geweldsvorm) waarin dit aanbod "
        "hulp biedt.",
    )
    verified = forms.BooleanField(
        label="Gegevens gecontroleerd",
        required=False,
        help_text="Vink aan als u alle gegevens van dit aanbod hebt nagelopen; "
        "“laatst gecontroleerd” wordt dan de datum van vandaag.",
    )
    conflict_ignored_fields = VersionedModelForm.conflict_ignored_fields | {"verified"}

    class Meta:
        model = Offer
        formfield_callback = https_formfield
        fields = [
            "organisation",
            "name",
            "slug",
            "status",
            *OFFER_RECORD_FIELDS,
            "source",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["positions"]
        field.set_grids(build_grids(set()))
        field.widget.frameworks_in_use = self.frameworks_in_use()
        #: What the version had, when the form shows one from the history (to view or
        #: revert it): its positions and lists fill the form, so that a revert restores them.
        self.version_state = None
        version = to_historic(self.instance)
        if version is not None:
            self.version_state = history.version_state(version)
            self.initial["positions"] = field.keys_for(self.version_state.positions)
            for name, ids in (self.version_state.lists or {}).items():
                if name in self.fields:
                    self.initial[name] = ids
        elif self.instance.pk:
            held = self.instance.positions.values_list("phase_id", "violence_type_id")
            self.initial.setdefault("positions", field.keys_for(held))

    def frameworks_in_use(self) -> set[int]:
        """The frameworks in which the offer's organisation has positions (any of its offers);
        for a new offer those of the organisations to choose from. One query."""
        if self.instance.organisation_id:
            organisations = [self.instance.organisation_id]
        elif "organisation" in self.fields:
            organisations = self.fields["organisation"].queryset.values("pk")
        else:
            return set()
        used = Position.objects.filter(
            violence_type__framework=OuterRef("pk"), offer__organisation__in=organisations
        )
        return set(Framework.objects.filter(Exists(used)).values_list("pk", flat=True))

    def _save_m2m(self):
        # The positions are saved with the lists, after the offer itself: by the change form
        # and by a revert (simple-history's view calls only `save_m2m`) alike.
        super()._save_m2m()
        if "positions" in self.cleaned_data:
            services.offer_set_positions(
                offer=self.instance,
                user=getattr(self.instance, "_history_user", None),
                cells=self.cleaned_data["positions"],
            )


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mailadres")
    first_name = forms.CharField(label="Voornaam", max_length=150, required=False)
    last_name = forms.CharField(label="Achternaam", max_length=150, required=False)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user_model = get_user_model()
        if (
            user_model.objects.filter(email__iexact=email).exists()
            or user_model.objects.filter(username__iexact=email).exists()
        ):
            raise forms.ValidationError(ACCOUNT_EXISTS, code="account_exists")
        return email
