"""Self-review reporting rounds (kỳ báo cáo tự rà soát): who must report, by when, and what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportingRound(models.Model):
    """A period, the units expected to report on it, and the date their reports are due."""

    # The office's organization: it runs the round, returns reports and reopens it.
    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="reporting_rounds",
        verbose_name=_("office"),
    )
    title = models.CharField(_("title"), max_length=255)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due on"), db_index=True)
    expected = models.ManyToManyField(
        "organizations.Organization",
        related_name="expected_in_rounds",
        verbose_name=_("units expected to report"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        "organizations.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-due_on", "-id"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="reporting_round_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("period_start")),
                name="reporting_round_due_after_period_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RoundReopening(models.Model):
    """The office lets one unit submit after the due date, up to `until` (a lock exception).

    Rows are kept as history; a reopening is in force while `until` is today or later.
    """

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="reopenings",
        verbose_name=_("reporting round"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    until = models.DateField(_("open until"))
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        "organizations.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")

    def __str__(self) -> str:
        return f"{self.organization} → {self.until:%d/%m/%Y}"


class SubmissionStatus(models.TextChoices):
    # Reserved for saving an unfinished answer; no service creates drafts yet.
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for correction")


class Submission(models.Model):
    """One unit's report in one round. A resubmission updates it; SubmissionEvent keeps history."""

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("reporting round"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.SUBMITTED,
    )
    # When the report reached the office: now for an online report, or the day a paper report
    # arrived when the office records it.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "organizations.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    recorded_by_office = models.BooleanField(
        _("paper report recorded by the office"), default=False
    )
    # Snapshot when submitted: open tasks of the unit that the report left unanswered.
    unanswered = models.JSONField(_("unanswered tasks"), default=list, blank=True)
    generic = models.BooleanField(_("generic"), default=False)
    return_comment = models.TextField(_("reason for return"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        "organizations.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("returned by"),
    )

    class Meta:
        ordering = ["organization__path"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"], name="reporting_one_submission_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.organization}"


class ItemStatus(models.TextChoices):
    DONE = "done", _("done")
    IN_PROGRESS = "in_progress", _("in progress")
    NOT_STARTED = "not_started", _("not started")
    BLOCKED = "blocked", _("blocked")


class SubmissionItem(models.Model):
    """The answer on one task: progress as the unit reports it, what was done, the evidence."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="items", verbose_name=_("submission")
    )
    task = models.ForeignKey(
        "assignments.Task", on_delete=models.PROTECT, related_name="+", verbose_name=_("task")
    )
    status = models.CharField(_("progress"), max_length=20, choices=ItemStatus.choices)
    narrative = models.TextField(_("what was done"))
    evidence = models.TextField(_("evidence"), blank=True)
    files = models.ManyToManyField(
        "assignments.Evidence", blank=True, related_name="+", verbose_name=_("evidence files")
    )

    class Meta:
        ordering = ["task_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "task"], name="reporting_one_answer_per_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.get_status_display()}"


class SubmissionEvent(models.Model):
    """History of a submission: each submit (with its answers as sent) and each return."""

    class Event(models.TextChoices):
        SUBMIT = "submit", _("submitted")
        RETURN = "return", _("returned")

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="events", verbose_name=_("submission")
    )
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        "organizations.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    recorded_by_office = models.BooleanField(
        _("paper report recorded by the office"), default=False
    )
    generic = models.BooleanField(_("generic"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    items = models.JSONField(_("answers"), default=list, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")

    def __str__(self) -> str:
        return f"{self.event} {self.at:%d/%m/%Y %H:%M}"


class ReviewTeam(models.Model):
    """A review team (tổ rà soát) of an office, following the notices of its fields."""

    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("office"),
    )
    name = models.CharField(_("name"), max_length=200)
    fields = models.ManyToManyField("documents.Field", blank=True, verbose_name=_("fields"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("review team")
        verbose_name_plural = _("review teams")

    def __str__(self) -> str:
        return self.name


class FollowedNotice(models.Model):
    """Each notice is followed by one team only."""

    document = models.OneToOneField(
        "documents.Document", on_delete=models.CASCADE, related_name="review_team_link"
    )
    team = models.ForeignKey(ReviewTeam, on_delete=models.CASCADE, related_name="notices")

    class Meta:
        verbose_name = _("followed notice")
        verbose_name_plural = _("followed notices")

    def __str__(self) -> str:
        return f"{self.team}: {self.document}"
