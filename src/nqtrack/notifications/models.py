"""In-app notifications and the ledger that makes each reminder go out once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(max_length=255, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message


class ReminderLog(models.Model):
    """One row per reminder sent. The unique constraint is the claim: a concurrent second run
    fails to insert the same row and sends nothing."""

    task = models.ForeignKey("assignments.Task", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "user", "key"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.sent_on:%d/%m/%Y} {self.key} → {self.user_id}"


class ReviewReminderLog(models.Model):
    """One row per reminder of a review's stage sent to a user (claimed like ReminderLog)."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=60)  # "<stage>:<window>"
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "user", "key"], name="review_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.sent_on:%d/%m/%Y} {self.key} → {self.user_id}"


class DigestLog(models.Model):
    """One e-mail digest per user per day, claimed the same way."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once")]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} → {self.user_id} ({self.items})"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class OutboxMessage(models.Model):
    """An e-mail stored before it is sent (notifications.outbox). An SMTP failure delays it
    with exponential back-off; after the last attempt it is failed and kept for the
    administrators, never lost."""

    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    # While "sending": the claim expires then, so a worker killed mid-send is retried.
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
