"""What the review stages and their states are called on pages, in reminders and exports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STAGE_LABELS = {
    "plan": _("Plan issued"),
    "oversight": _("Supervision / inspection done first"),
    "scope": _("Scope chosen"),
    "survey": _("Survey"),
    "reports": _("Subordinate reports collected"),
    "draft": _("Draft report"),
    "meeting": _("Workshop / conference"),
    "approval": _("Approved by the committee"),
    "issued": _("Report issued"),
    "followup": _("Follow-up"),
}

STATE_LABELS = {
    "done": _("done"),
    "done_late": _("done late"),
    "overdue": _("overdue"),
    "due_soon": _("due soon"),
    "pending": _("to do"),
    "skipped": _("not used"),
}
