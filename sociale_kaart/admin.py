"""The admin in Dutch where Django and its packages are not, and no translation can help.

- Django's Dutch admin messages put "de" before every model name ("De aanbod ‘…’ is met succes
  gewijzigd"); DutchArticleAdminMixin puts "het" before the names that take it.
- django-simple-history lists the changes between versions as raw values (True, None,
  2026-12-01, choice keys); DutchHistoryAdminMixin shows them as the change form does.
- Permission names are stored in English ("Can add aanbod"); they are shown in Dutch.
- A save that the database refuses after the form checked it (another save of the same name
  or address at the same moment: IntegrityError) ends in a 500 in Django's admin;
  `SaveConflictAdminMixin` shows the form again with a Dutch error.
- Django's autocomplete view answers a reverse relation as `field_name` (`offers` of an
  organisation) with a 500 (Django ticket 32619); `AutocompleteView` refuses it with a 403.
- Django's user and group forms let anyone who may change users grant rights, themselves
  included; `RightsGuardedUserAdmin` and `RightsGuardedGroupAdmin` leave that to superusers.
- django-axes names its records in English ("Attempted Access: …") in code that no catalogue
  translates, and Django names the rows of a many-to-many table "User_groups object (1)";
  those names show in titles, breadcrumbs and on delete pages.
"""

import datetime
import logging

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import ForeignObjectRel
from django.utils import formats, timezone
from django.utils.safestring import SafeData, mark_safe
from simple_history.template_utils import HistoricalRecordContextHelper

# Model names (verbose_name) that take "het" in Dutch.
NEUTER_NAMES = frozenset({"aanbod", "analysekader", "juridisch kader", "lidmaatschap"})

EMPTY_VALUE = "leeg"


def with_article(message, verbose_name: str):
    """`message` with "Het" instead of Django's "De" before a neuter `verbose_name`."""
    wrong = f"De {verbose_name} "
    if verbose_name not in NEUTER_NAMES or not str(message).startswith(wrong):
        return message
    fixed = "Het " + str(message)[len("De ") :]
    return mark_safe(fixed) if isinstance(message, SafeData) else fixed


class DutchArticleAdminMixin:
    """For a ModelAdmin whose model's Dutch name may take "het": its messages after adding,
    changing, deleting or reverting say "Het aanbod ‘…’", and the action that deletes a
    selection says "Geselecteerd aanbod verwijderen" for a name without a plural."""

    def message_user(self, request, message, *args, **kwargs):
        message = with_article(message, str(self.opts.verbose_name))
        return super().message_user(request, message, *args, **kwargs)

    def get_actions(self, request):
        actions = super().get_actions(request)
        name, plural = str(self.opts.verbose_name), str(self.opts.verbose_name_plural)
        if "delete_selected" in actions and name in NEUTER_NAMES and name == plural:
            actions["delete_selected"] = (
                delete_selected,
                "delete_selected",
                f"Geselecteerd {name} verwijderen",
            )
        return actions


def display_value(field, value):
    """A field's value in a version, as a person reads it: choice labels, ja/nee, Dutch dates."""
    if value is None or value == "":
        return EMPTY_VALUE
    if isinstance(value, list):  # a many-to-many field: the related objects
        return [str(item) for item in value] or EMPTY_VALUE
    if getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return value


class DutchHistoryContextHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return display_value(self.model._meta.get_field(change.field), value)


class DutchHistoryAdminMixin:
    """For a SimpleHistoryAdmin: the history page lists changes in Dutch."""

    def get_historical_record_context_helper(self, request, historical_record):
        return DutchHistoryContextHelper(self.model, historical_record)


# Saves that the database refuses.

logger = logging.getLogger("sociale_kaart.admin")

SAVE_CONFLICT = (
    "Opslaan is niet gelukt: tegelijk werd iets opgeslagen dat hiermee botst, bijvoorbeeld "
    "dezelfde naam, hetzelfde adres (slug) of hetzelfde account. Er is niets opgeslagen. Uw "
    "invoer staat nog in het formulier; controleer die en sla opnieuw op."
)


class _SaveConflictForm:
    """Mixed into a ModelAdmin's form on the second pass after a refused save: the form is
    invalid with the refusal's message, next to what its own checks find now."""

    save_conflict_errors: list = []

    def clean(self):
        cleaned_data = super().clean()
        self.add_error(None, self.save_conflict_errors)
        return cleaned_data


class SaveConflictAdminMixin:
    """A change form, add form or revert whose save the database refuses (IntegrityError, a
    unique name or slug taken by a parallel save) or whose save raises a ValidationError
    after the form's checks: the transaction is rolled back and the form is shown again with
    the user's input and a Dutch error (200), never a 500. The second pass saves nothing: its
    form is invalid, and also shows the field errors the form's checks find now (the name
    that was taken meanwhile)."""

    def _with_conflict_error(self, request, view, *args):
        try:
            return view(request, *args)
        except (IntegrityError, ValidationError) as error:
            if request.method != "POST" or getattr(request, "_save_conflict", None):
                raise
            logger.warning(
                "admin save refused",
                extra={"event": "admin_save_refused", "error": type(error).__name__},
            )
            request._save_conflict = (
                error.messages if isinstance(error, ValidationError) else [SAVE_CONFLICT]
            )
            return view(request, *args)

    def get_form(self, request, obj=None, *args, **kwargs):
        form = super().get_form(request, obj, *args, **kwargs)
        errors = getattr(request, "_save_conflict", None)
        if errors:
            form = type(form.__name__, (_SaveConflictForm, form), {"save_conflict_errors": errors})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._with_conflict_error(
            request, super().changeform_view, object_id, form_url, extra_context
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self._with_conflict_error(
            request, super().history_form_view, object_id, version_id, extra_context
        )


# Permissions.

PERMISSION_VERBS = {
    "add": "toevoegen",
    "change": "wijzigen",
    "delete": "verwijderen",
    "view": "weergeven",
}


def model_name(model) -> str:
    """The Dutch name of `model`, also for the tables that simple-history and many-to-many
    fields add (their own names are English: "historical aanbod")."""
    instance_type = getattr(model, "instance_type", None)
    if instance_type is not None:
        return f"geschiedenis van {model_name(instance_type)}"
    owner = model._meta.auto_created
    if owner:
        field = next(f for f in owner._meta.many_to_many if f.remote_field.through is model)
        return f"{field.verbose_name} van {owner._meta.verbose_name}"
    return str(model._meta.verbose_name)


def permission_label(permission) -> str:
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:  # a model that no longer exists
        return f"{content_type} | {permission.name}"
    name = model_name(model)
    action, _, model_part = permission.codename.partition("_")
    if action in PERMISSION_VERBS and model_part == content_type.model:
        description = f"Kan {name} {PERMISSION_VERBS[action]}"
    else:
        description = permission.name
    return f"{model._meta.app_config.verbose_name} | {name} | {description}"


Permission.__str__ = permission_label


# django-axes.


def _login_record(kind: str):
    def __str__(self):
        when = formats.date_format(timezone.localtime(self.attempt_time), "DATETIME_FORMAT")
        return f"{kind} van {self.username or 'onbekend'} vanaf {self.ip_address} ({when})"

    return __str__


AccessAttempt.__str__ = _login_record("Inlogpoging")
AccessFailureLog.__str__ = _login_record("Mislukte inlogpoging")
AccessLog.__str__ = _login_record("Inlogsessie")


# The tables behind many-to-many fields, listed on delete pages ("User-group-relatie:
# User_groups object (1)"): "Koppeling gebruiker – groep: pien – Partner".


def _name_link_table(model):
    owner = model._meta.auto_created
    field = next(f for f in owner._meta.many_to_many if f.remote_field.through is model)
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    names = f"{owner._meta.verbose_name} – {field.related_model._meta.verbose_name}"
    model._meta.verbose_name = f"koppeling {names}"
    model._meta.verbose_name_plural = f"koppelingen {names}"
    model.__str__ = lambda row: f"{getattr(row, source)} – {getattr(row, target)}"


for link_table in apps.get_models(include_auto_created=True):
    if link_table._meta.auto_created:
        _name_link_table(link_table)


# The autocomplete view.


class AutocompleteView(AutocompleteJsonView):
    """Django's autocomplete, answering 403 for a `field_name` that is a reverse relation
    (Django follows its `remote_field` to the wrong model and fails with a 500). Only a
    form's own foreign-key and many-to-many fields use the autocomplete."""

    def process_request(self, request):
        try:
            model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
            field = model._meta.get_field(request.GET["field_name"])
        except (KeyError, LookupError, ValueError, FieldDoesNotExist) as error:
            raise PermissionDenied from error
        if isinstance(field, ForeignObjectRel) or not field.is_relation:
            raise PermissionDenied
        return super().process_request(request)


def autocomplete_view(site):
    """The admin's autocomplete URL for `site`, with the admin's own login and staff check."""
    view = AutocompleteView.as_view(admin_site=site)
    return site.admin_view(view)


# Rights: only a superuser grants them.

#: The fields of a user through which rights are granted.
RIGHTS_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


class RightsGuardedUserAdmin(SaveConflictAdminMixin, UserAdmin):
    """The user admin, where only a superuser makes someone a superuser or staff member or
    changes their groups and permissions (a municipal account may manage accounts, but not
    raise its own rights or anyone else's). A superuser's account is changed only by a
    superuser (its password included)."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [name for name in RIGHTS_FIELDS if name not in readonly]
        return readonly

    def _guards_superuser(self, request, obj) -> bool:
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if self._guards_superuser(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._guards_superuser(request, obj):
            return False
        return super().has_delete_permission(request, obj)


class RightsGuardedGroupAdmin(SaveConflictAdminMixin, GroupAdmin):
    """Groups: only a superuser changes the permissions a group carries."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("permissions")
        return readonly


for _model, _model_admin in [
    (get_user_model(), RightsGuardedUserAdmin),
    (Group, RightsGuardedGroupAdmin),
]:
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _model_admin)
