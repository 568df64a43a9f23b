"""The document registry: documents, their files, relations and review calendar."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nqtrack.organizations.models import Level, Organization, SecurityLevel


class Field(models.Model):
    """A policy field (lĩnh vực) used to classify documents and to filter."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        ordering = ["name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.name


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent (Khẩn)")
    VERY_URGENT = "very_urgent", _("Very urgent (Thượng khẩn)")
    FLASH = "flash", _("Flash (Hỏa tốc)")


class DocumentStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")
    EXPIRED = "expired", _("Expired")


class Document(models.Model):
    # The registry (organization) that keeps this record; visibility follows it.
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("registry")
    )
    issuer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="issued_documents",
        verbose_name=_("issuing body"),
    )
    symbol = models.CharField(_("number and symbol"), max_length=60)
    number = models.PositiveIntegerField(_("number"))
    doc_type = models.CharField(_("document type"), max_length=10, db_index=True)
    type_name = models.CharField(_("printed type name"), max_length=60, blank=True)
    signed_on = models.DateField(_("signing date"), db_index=True)
    title = models.TextField(_("title"))
    fields = models.ManyToManyField(Field, blank=True, verbose_name=_("fields"))
    security_level = models.CharField(
        _("security level"),
        max_length=20,
        choices=SecurityLevel.choices,
        default=SecurityLevel.NORMAL,
        db_index=True,
    )
    urgency = models.CharField(
        _("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DocumentStatus.choices,
        default=DocumentStatus.IN_FORCE,
        db_index=True,
    )
    full_text = models.TextField(_("full text"), blank=True)
    # Folded copy of symbol, title and text (no diacritics, lower case, words only).
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Moved on by every service that changes the document (core.versioning): a form or an API
    # client sends back the version it read, and a stale one is refused instead of overwriting.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "symbol", "signed_on"], name="document_unique_identity"
            )
        ]
        indexes = [models.Index(fields=["owner", "signed_on"])]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.signed_on:%d/%m/%Y})"


class Attachment(models.Model):
    # Null while staged by the registration form before the document exists.
    document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("document"),
    )
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    extracted_text = models.TextField(blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class RelationKind(models.TextChoices):
    IMPLEMENTS = "implements", _("implements")
    SUPERSEDES = "supersedes", _("supersedes")
    GUIDES = "guides", _("guides")
    REVIEWS = "reviews", _("reviews")


INVERSE_RELATION_LABELS = {
    RelationKind.IMPLEMENTS: _("implemented by"),
    RelationKind.SUPERSEDES: _("superseded by"),
    RelationKind.GUIDES: _("guided by"),
    RelationKind.REVIEWS: _("reviewed by"),
}


class Relation(models.Model):
    source = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="outgoing", verbose_name=_("document")
    )
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)
    target = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="incoming",
        verbose_name=_("related document"),
    )

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "target"], name="relation_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.symbol} {self.get_kind_display()} {self.target.symbol}"


class ReviewKind(models.TextChoices):
    INTERIM = "interim", _("Interim review (sơ kết)")
    FINAL = "final", _("Final review (tổng kết)")


class ReviewRule(models.Model):
    """When documents issued at one level are reviewed.

    A rule without owner is the national default, held by the top of the tree. A committee
    may hold its own rule for a level, which then governs the documents issued within its
    subtree at that level (the nearest owner wins)."""

    level = models.ForeignKey(
        Level, on_delete=models.CASCADE, related_name="review_rules", verbose_name=_("level")
    )
    owner = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_rules",
        verbose_name=_("rule held by"),
        help_text=_("Empty for the national default."),
    )
    interim_years = models.PositiveSmallIntegerField(
        _("interim review after (years)"), help_text=_("0 means no interim review.")
    )
    final_years = models.PositiveSmallIntegerField(_("final review after (years)"))
    plan_lead_months = models.PositiveSmallIntegerField(
        _("plan issued before the review (months)"), default=2
    )
    finalize_days = models.PositiveSmallIntegerField(
        _("report issued within (days after approval)"), default=10
    )
    reviewed_types = models.JSONField(
        _("document types that are reviewed"), default=list, blank=True
    )

    class Meta:
        ordering = ["level__rank", "owner__path"]
        verbose_name = _("review rule")
        verbose_name_plural = _("review rules")
        constraints = [
            models.UniqueConstraint(
                fields=["level"],
                condition=models.Q(owner__isnull=True),
                name="review_rule_one_national_default",
            ),
            models.UniqueConstraint(fields=["level", "owner"], name="review_rule_one_per_owner"),
            models.CheckConstraint(
                condition=models.Q(final_years__gt=models.F("interim_years")),
                name="review_rule_final_after_interim",
                violation_error_message=_("The final review must come after the interim one."),
            ),
        ]

    def __str__(self) -> str:
        if self.owner_id is None:
            return str(self.level)
        return f"{self.level} ({self.owner})"


class ReviewOverride(models.Model):
    """A milestone date a document fixes in its own text, replacing or adding to the rule."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="overrides")
    kind = models.CharField(_("kind"), max_length=10, choices=ReviewKind.choices)
    sequence = models.PositiveSmallIntegerField(_("sequence"), default=1)
    due_on = models.DateField(_("due on"))

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "sequence"], name="review_override_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document.symbol} {self.kind} {self.sequence}: {self.due_on:%d/%m/%Y}"


class ReviewMilestone(models.Model):
    """The computed schedule of one document, stored so calendars are one indexed query."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=10, choices=ReviewKind.choices)
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    due_on = models.DateField(_("review due on"), db_index=True)
    plan_due_on = models.DateField(_("plan due on"), db_index=True)
    overridden = models.BooleanField(_("set by the document"), default=False)

    class Meta:
        ordering = ["due_on", "kind", "sequence"]
        verbose_name = _("review milestone")
        verbose_name_plural = _("review milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "sequence"], name="review_milestone_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document.symbol} {self.get_kind_display()} {self.sequence}"
