"""Who may see what in the admin: the municipality everything, a partner only their own.

Decisions rest on the permission `providers.manage_all_organisations` and on Membership rows,
never on group names. An object of another organisation answers 404, so that its existence
does not leak; a view a partner may not use at all answers 403.
"""

from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404
from django.shortcuts import redirect

from providers.models import Organisation

MANAGE_ALL = "providers.manage_all_organisations"


def can_manage_all(user) -> bool:
    return user.has_perm(MANAGE_ALL)


def organisations_for(user):
    """Organisations whose data `user` may manage."""
    if can_manage_all(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user)


def organisation_ids_for(user) -> frozenset[int] | None:
    """Ids of the user's organisations; None means all of them.

    Cached on the user object for the rest of the request, like Django's permission cache.
    """
    if can_manage_all(user):
        return None
    if not hasattr(user, "_organisation_ids_cache"):
        user._organisation_ids_cache = frozenset(
            Organisation.objects.filter(memberships__user=user).values_list("pk", flat=True)
        )
    return user._organisation_ids_cache


def _to_pk(model, value):
    """The primary key value for `value`, or 404 for anything that cannot be one."""
    try:
        return model._meta.pk.to_python(value)
    except (ValidationError, ValueError, TypeError) as error:
        raise Http404 from error


class ScopedAdminMixin:
    """Scope a ModelAdmin (a SimpleHistoryAdmin) to the user's organisations.

    Subclasses define `organisation_lookup`, the path from the model to its organisation id
    ("pk" for Organisation itself, "organisation_id" for Offer). It is used on the model and
    on its historical model alike.
    """

    organisation_lookup = "organisation_id"
    # Fields a partner sees but may not change; the municipality changes them all.
    partner_readonly_fields: list[str] = []

    # Scoping.

    def scope(self, request, queryset):
        ids = organisation_ids_for(request.user)
        if ids is None:
            return queryset
        return queryset.filter(**{f"{self.organisation_lookup}__in": ids})

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        """Out of scope or unknown: 404, instead of the admin's redirect to the index."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def in_scope(self, request, obj) -> bool:
        ids = organisation_ids_for(request.user)
        if ids is None:
            return True
        return getattr(obj, self.organisation_lookup) in ids

    # Permissions on a single object also look at its organisation (defence in depth: the
    # scoped queryset already keeps other organisations' objects out).

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    # What a partner may change.

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_manage_all(request.user):
            readonly += self.partner_readonly_fields
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        # Not a class attribute: simple-history's history form uses that attribute as is,
        # also for partners, whose form has no slug field.
        return {"slug": ["name"]} if can_manage_all(request.user) else {}

    # Actions: every selected object must be in scope, or the whole request answers 404.

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if selected and request.POST.get("select_across") != "1":
            pks = {_to_pk(self.model, value) for value in selected}
            if queryset.filter(pk__in=pks).count() != len(pks):
                raise Http404
        return super().response_action(request, queryset)

    # History: partners read the history of their own objects; only the municipality reverts.

    def has_change_history_permission(self, request, obj=None):
        return can_manage_all(request.user) and super().has_change_history_permission(request, obj)

    def _history_of(self, pk):
        """Historical records of the object with primary key `pk` (their own pk differs)."""
        return self.model.history.filter(**{self.model._meta.pk.attname: pk})

    def history_pk_or_404(self, request, object_id):
        """The primary key of the object whose history is asked for, if it is in scope: the
        object itself, or once deleted its latest historical record, must be the user's."""
        pk = _to_pk(self.model, unquote(object_id))
        obj = self.model._default_manager.filter(pk=pk).first()
        if obj is None:
            obj = self._history_of(pk).order_by("-history_date").first()
        if obj is None or not self.in_scope(request, obj):
            raise Http404
        return pk

    def history_view(self, request, object_id, extra_context=None):
        pk = self.history_pk_or_404(request, object_id)
        extra_context = {**(extra_context or {}), **self.history_extra_context(pk)}
        return super().history_view(request, object_id, extra_context)

    def history_extra_context(self, pk) -> dict:
        """More for the history page of the object `pk` (already checked to be in scope)."""
        return {}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        pk = self.history_pk_or_404(request, object_id)
        version_pk = _to_pk(self.model.history.model, version_id)
        version = self._history_of(pk).filter(history_id=version_pk).first()
        if version is None:
            raise Http404
        if request.method == "POST" and not self.has_change_history_permission(
            request, version.instance
        ):
            raise PermissionDenied
        # One transaction, as the change form has: a revert is checked against the saved
        # version (the form locks the row) and saved with its many-to-many fields at once.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_pk, extra_context)


def view_on_site(admin_site):
    """The admin's "view on site" shortcut, answering 404 for objects out of the user's scope.

    Django's own shortcut redirects to any object's public address, which would reveal the
    address (slug) of another organisation's draft.
    """

    def view(request, content_type_id, object_id):
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        model_admin = admin_site._registry.get(model)
        if model_admin is None:
            raise Http404
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        if not hasattr(obj, "get_absolute_url"):
            raise Http404
        return redirect(obj.get_absolute_url())

    return admin_site.admin_view(view)
