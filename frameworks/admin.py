from django.contrib import admin

from frameworks.models import Framework, Phase, ViolenceType
from sociale_kaart.admin import DutchArticleAdminMixin, SaveConflictAdminMixin


class ViolenceTypeInline(admin.TabularInline):
    model = ViolenceType
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Framework)
class FrameworkAdmin(SaveConflictAdminMixin, DutchArticleAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "thin_threshold", "order"]
    list_editable = ["thin_threshold"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ViolenceTypeInline]


@admin.register(Phase)
class PhaseAdmin(SaveConflictAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ViolenceType)
class ViolenceTypeAdmin(SaveConflictAdminMixin, admin.ModelAdmin):
    list_display = ["name", "framework", "slug", "order"]
    list_filter = ["framework"]
    list_select_related = ["framework"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
