"""Supervision and inspection rounds (đợt giám sát, kiểm tra): from plan to verified remediation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    SUPERVISION = "supervision", _("Thematic supervision (giám sát chuyên đề)")
    INSPECTION = "inspection", _("Inspection (kiểm tra)")
    REGULAR_SUPERVISION = "regular_supervision", _("Regular supervision (giám sát thường xuyên)")


# Which kinds count as supervision before an interim review, and inspection before a final one.
SUPERVISION_KINDS = frozenset({RoundKind.SUPERVISION, RoundKind.REGULAR_SUPERVISION})
INSPECTION_KINDS = frozenset({RoundKind.INSPECTION})


class OversightRound(models.Model):
    """One round by a committee or its inspection commission over one or more documents
    (an integrated round) and several target organizations."""

    kind = models.CharField(_("kind"), max_length=30, choices=RoundKind.choices)
    title = models.CharField(_("title of the round"), max_length=255)
    # The committee or its inspection commission (UBKT) that runs the round; its office writes.
    conductor = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="oversight_rounds",
        verbose_name=_("conducted by"),
    )
    documents = models.ManyToManyField(
        "documents.Document", related_name="oversight_rounds", verbose_name=_("documents covered")
    )
    targets = models.ManyToManyField(
        "organizations.Organization",
        related_name="oversight_rounds_as_target",
        verbose_name=_("target organizations"),
    )
    period_start = models.DateField(_("period start"), db_index=True)
    period_end = models.DateField(_("period end"), db_index=True)
    # Targets must send their remediation plan by this date.
    remediation_due_on = models.DateField(_("remediation plans due on"), null=True, blank=True)
    # The conclusion notice (thông báo kết luận): a registered document; the source of the
    # remediation tasks.
    conclusion = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concluded_oversight_rounds",
        verbose_name=_("conclusion notice"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "organizations.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
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
        ordering = ["-period_start", "-id"]
        verbose_name = _("oversight round")
        verbose_name_plural = _("oversight rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="oversight_round_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title


class TeamRole(models.TextChoices):
    LEADER = "leader", _("team leader (trưởng đoàn)")
    MEMBER = "member", _("member (thành viên)")
    SECRETARY = "secretary", _("secretary (thư ký)")


class TeamMember(models.Model):
    """A member of the round's team, by name and post; optionally a user of the system."""

    round = models.ForeignKey(
        OversightRound, on_delete=models.CASCADE, related_name="team", verbose_name=_("round")
    )
    name = models.CharField(_("name"), max_length=150)
    post = models.CharField(_("post"), max_length=255, blank=True)
    role = models.CharField(_("role in the team"), max_length=20, choices=TeamRole.choices)
    user = models.ForeignKey(
        "organizations.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return self.name


class FindingKind(models.TextChoices):
    STRENGTH = "strength", _("strength")
    SHORTCOMING = "shortcoming", _("shortcoming")
    VIOLATION = "violation", _("violation")


# Findings that call for remediation: a target with one of these owes a remediation plan.
REMEDIABLE = frozenset({FindingKind.SHORTCOMING, FindingKind.VIOLATION})


class Finding(models.Model):
    """What the team found at one target, optionally about one of the round's documents."""

    round = models.ForeignKey(
        OversightRound, on_delete=models.CASCADE, related_name="findings", verbose_name=_("round")
    )
    target = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("target organization"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    text = models.TextField(_("finding"))
    document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("document concerned"),
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
        ordering = ["target__path", "kind", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.text[:80]


class Verification(models.TextChoices):
    PENDING = "", _("not verified")
    DONE = "done", _("verified done")
    NOT_DONE = "not_done", _("verified not done")
    CARRIED_OVER = "carried_over", _("carried over to a later round")


# Verdicts that let the round close.
SETTLED = frozenset({Verification.DONE, Verification.CARRIED_OVER})


class RemediationItem(models.Model):
    """One item of a target's remediation plan: a task, and the owner's verification of it."""

    round = models.ForeignKey(
        OversightRound,
        on_delete=models.CASCADE,
        related_name="remediation_items",
        verbose_name=_("round"),
    )
    target = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("target organization"),
    )
    finding = models.ForeignKey(
        Finding,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remediation_items",
        verbose_name=_("finding remedied"),
    )
    task = models.OneToOneField(
        "assignments.Task",
        on_delete=models.PROTECT,
        related_name="remediation_item",
        verbose_name=_("task"),
    )
    verification = models.CharField(
        _("verification"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.PENDING,
        blank=True,
    )
    comment = models.TextField(_("verification comment"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    files = models.ManyToManyField(
        "assignments.Evidence", blank=True, related_name="+", verbose_name=_("evidence files")
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "organizations.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verified by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["target__path", "id"]
        verbose_name = _("remediation item")
        verbose_name_plural = _("remediation items")

    def __str__(self) -> str:
        return f"{self.target} — {self.task}"
