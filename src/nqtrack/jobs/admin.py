from django.contrib import admin

from nqtrack.jobs.models import JobAttempt, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker_id", "host", "pid", "started_at", "beat_at", "stopped_at"]


@admin.register(JobAttempt)
class JobAttemptAdmin(admin.ModelAdmin):
    list_display = ["subject", "object_id", "worker_id", "started_at", "finished_at", "outcome"]
    list_filter = ["subject", "outcome"]
