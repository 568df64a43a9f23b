from django.contrib import admin

from nqtrack.documents.models import Field


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["slug", "name"]
    search_fields = ["slug", "name"]
