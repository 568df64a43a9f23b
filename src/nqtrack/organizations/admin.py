from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from nqtrack.core.admin import ReadOnlyAdminMixin
from nqtrack.organizations.models import Level, Organization, User


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "rank"]


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "abbreviation", "kind", "level", "parent", "valid_to"]
    list_filter = ["kind", "level"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "organization", "role", "clearance", "is_active"]
    list_filter = ["role", "clearance", "is_active"]
    search_fields = ["username", "full_name", "organization__name"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("NQTrack"), {"fields": ["full_name", "organization", "role", "clearance"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,  # type: ignore[misc]
        (_("NQTrack"), {"fields": ["full_name", "organization", "role", "clearance"]}),
    ]
