"""The review (sơ kết / tổng kết) of one document at one committee, its scope, meetings and
survey. Stage states are derived from these dates by `stages.py`, never stored."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from nqtrack.documents.models import Document, ReviewKind, ReviewMilestone
from nqtrack.organizations.models import Organization


class FollowUp(models.TextChoices):
    CONTINUE = "continue", _("a directive to continue implementing")
    SUPERSEDE = "supersede", _("a new document that supersedes it")


class Review(models.Model):
    """One committee's review of one document at one milestone of its review calendar."""

    milestone = models.ForeignKey(
        ReviewMilestone,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("milestone"),
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("document")
    )
    committee = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("committee holding the review"),
    )
    lead_body = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lead advisory body"),
    )
    plan_document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("review plan"),
    )
    plan_issued_on = models.DateField(_("plan issued on"), null=True, blank=True)
    scope_decided_on = models.DateField(_("scope decided on"), null=True, blank=True)
    round = models.OneToOneField(
        "reporting.ReportingRound",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review",
        verbose_name=_("subordinate reports"),
    )
    draft_generated_at = models.DateTimeField(_("draft generated at"), null=True, blank=True)
    approved_on = models.DateField(_("approved by the committee on"), null=True, blank=True)
    report_document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("review report"),
    )
    report_issued_on = models.DateField(_("report issued on"), null=True, blank=True)
    followup = models.CharField(_("follow-up"), max_length=10, choices=FollowUp.choices, blank=True)
    followup_document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("follow-up document"),
    )
    followup_on = models.DateField(_("follow-up issued on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "organizations.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["milestone__due_on", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "committee"], name="review_one_per_committee_and_milestone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document.symbol} — {self.committee.name}"

    # The dates come from the review calendar (the milestone), so they follow rule changes.
    @property
    def kind(self) -> str:
        return self.milestone.kind

    @property
    def sequence(self) -> int:
        return self.milestone.sequence

    @property
    def due_on(self) -> datetime.date:
        return self.milestone.due_on

    @property
    def plan_due_on(self) -> datetime.date:
        return self.milestone.plan_due_on

    def get_kind_display(self) -> str:
        return str(ReviewKind(self.milestone.kind).label)


class ReviewScope(models.Model):
    """A subordinate unit asked (or, with a reason, not asked) to review and report."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scope")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    included = models.BooleanField(_("included"), default=True)
    reason = models.TextField(_("reason"), blank=True)
    proposed = models.BooleanField(_("proposed by NQTrack"), default=False)

    class Meta:
        ordering = ["organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["review", "organization"], name="review_scope_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({'+' if self.included else '−'})"


class MeetingKind(models.TextChoices):
    WORKSHOP = "workshop", _("workshop (hội thảo, tọa đàm)")
    CONFERENCE = "conference", _("review conference (hội nghị)")


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")
    BOTH = "both", _("in person and online")


class ReviewMeeting(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    held_on = models.DateField(_("held on"))
    format = models.CharField(_("format"), max_length=10, choices=MeetingFormat.choices)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    connection_points = models.PositiveIntegerField(_("connection points"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d/%m/%Y}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    SCALE = "scale", _("scale 1–5")
    TEXT = "text", _("free text")


class SurveyQuestion(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    options = models.JSONField(_("options"), default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self) -> str:
        return self.text[:80]


class SurveyResponse(models.Model):
    """One respondent's answers, given online or copied from a paper form."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="responses")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    respondent = models.CharField(_("respondent"), max_length=200, blank=True)
    from_paper = models.BooleanField(_("entered from a paper form"), default=False)
    answers = models.JSONField(_("answers"), default=dict)  # question id → value
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        "organizations.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.organization} {self.submitted_at:%d/%m/%Y}"
