from django.contrib import admin

from nqtrack.oversight.models import Finding, OversightRound, RemediationItem, TeamMember


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


@admin.register(OversightRound)
class OversightRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "conductor", "period_start", "period_end", "closed_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    raw_id_fields = ["conductor", "conclusion", "documents", "targets"]
    inlines = [TeamMemberInline]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["round", "target", "kind"]
    raw_id_fields = ["round", "target", "document"]


@admin.register(RemediationItem)
class RemediationItemAdmin(admin.ModelAdmin):
    list_display = ["round", "target", "task", "verification"]
    raw_id_fields = ["round", "target", "finding", "task", "files"]
