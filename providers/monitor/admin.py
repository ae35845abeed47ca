"""The monitor in the admin, for the municipality: snapshots (read-only history; taking one
is the only write, and only a superuser edits or deletes) and the needed capacity (a change
is a new record; earlier records stay as the history)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from providers.monitor.models import NEED_TOO_LOW, Need, Snapshot
from providers.monitor.snapshots import snapshot_create


class SnapshotForm(forms.ModelForm):
    class Meta:
        model = Snapshot
        fields = ["label"]
        help_texts = {
            "label": "Bijvoorbeeld 'Kwartaal 1'. De momentopname legt beide matrices vast zoals "
            "ze nu zijn; er is er hooguit één per dag."
        }


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    form = SnapshotForm
    list_display = ["taken_on", "label", "kind", "size_kb", "created_by"]
    list_filter = ["kind"]
    search_fields = ["label"]
    date_hierarchy = "taken_on"
    list_select_related = ["created_by"]
    readonly_fields = ["taken_on", "kind", "size", "created_at", "created_by"]

    def get_queryset(self, request):
        # The list never loads the stored documents.
        return super().get_queryset(request).defer("data", "summary")

    @admin.display(description="omvang (kB)", ordering="size")
    def size_kb(self, obj):
        return round(obj.size / 1024, 1)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["label"]
        return ["taken_on", "label", "kind", "size", "created_at", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, "label"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "title": "Momentopname maken"}
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        snapshot, created = snapshot_create(label=obj.label, user=request.user)
        for name in ("pk", "taken_on", "label", "kind", "size", "created_at", "created_by_id"):
            setattr(obj, name, getattr(snapshot, name))
        obj._created = created

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(obj, "_created", True):
            self.message_user(request, f"Momentopname {obj.title} is gemaakt.")
        else:
            self.message_user(
                request,
                "Er was vandaag al een momentopname; er is geen nieuwe gemaakt.",
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:monitor_snapshot_changelist"))

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def log_addition(self, request, obj, message):
        if getattr(obj, "_created", True):
            super().log_addition(request, obj, message)


class NeedForm(forms.ModelForm):
    capacity_per_year = forms.IntegerField(
        label="Benodigde capaciteit per jaar",
        min_value=1,
        error_messages={"min_value": NEED_TOO_LOW},
        help_text=Need._meta.get_field("capacity_per_year").help_text,
    )

    class Meta:
        model = Need
        fields = ["framework", "phase", "violence_type", "capacity_per_year", "valid_from", "note"]


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    """Records are added, never changed: to change a need, add a new record; the newest record
    in force on a date counts. Only a superuser may correct or delete one."""

    form = NeedForm
    list_display = [
        "__str__",
        "level_label",
        "capacity_per_year",
        "valid_from",
        "created_at",
        "created_by",
        "new_record_link",
    ]
    list_filter = ["framework", "phase", "violence_type"]
    search_fields = ["note"]
    list_select_related = ["framework", "phase", "violence_type", "created_by"]
    readonly_fields = ["created_at", "created_by"]

    @admin.display(description="niveau")
    def level_label(self, obj):
        return obj.level

    @admin.display(description="wijzigen")
    def new_record_link(self, obj):
        """Changing a need is recording a new value for the same target."""
        target = {"framework": obj.framework_id, "note": obj.note}
        if obj.phase_id:
            target["phase"] = obj.phase_id
        if obj.violence_type_id:
            target["violence_type"] = obj.violence_type_id
        url = f"{reverse('admin:monitor_need_add')}?{urlencode(target)}"
        return format_html('<a href="{}">Nieuwe waarde vastleggen</a>', url)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
