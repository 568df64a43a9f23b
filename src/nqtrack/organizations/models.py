"""The organization tree, its levels, and the users who belong to it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.Model):
    """A tier of the tree (central, province, commune…): data, so reforms need no code change."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("0 is the highest level; larger numbers are lower levels.")
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self) -> str:
        return self.name


class OrganizationKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    ADVISORY_BODY = "advisory_body", _("Advisory body")
    GOVERNMENT_BODY = "government_body", _("Government body")
    MASS_ORGANIZATION = "mass_organization", _("Front or mass organization")
    GRASSROOTS = "grassroots", _("Grassroots party organization")
    CELL = "cell", _("Party cell")
    OTHER = "other", _("Other")


class Organization(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=40,
        help_text=_("Issuer part of document symbols, e.g. TW, TU, ĐU."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=OrganizationKind.choices)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, verbose_name=_("level"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent organization"),
    )
    # Materialized path of primary keys ("/1/5/12/"): a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name=_("successor"),
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="organization_valid_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.valid_to is None

    def ancestor_paths(self) -> list[str]:
        """Paths of this organization and every ancestor, root first."""
        parts = [p for p in self.path.split("/") if p]
        return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]

    def is_within(self, other: Organization) -> bool:
        return self.path.startswith(other.path)


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    OFFICE = "office", _("Office staff")
    REPORTER = "reporter", _("Unit reporter")
    VIEWER = "viewer", _("Viewer")


class SecurityLevel(models.TextChoices):
    """Security marks of Party documents, in increasing order; also a user's clearance."""

    NORMAL = "normal", _("Normal")
    CONFIDENTIAL = "confidential", _("Confidential (Mật)")
    SECRET = "secret", _("Secret (Tối mật)")
    TOP_SECRET = "top_secret", _("Top secret (Tuyệt mật)")

    @classmethod
    def up_to(cls, level: str) -> list[str]:
        values = [choice.value for choice in cls]
        return values[: values.index(level) + 1]


class User(AbstractUser):
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("organization"),
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    clearance = models.CharField(
        _("security clearance"),
        max_length=20,
        choices=SecurityLevel.choices,
        default=SecurityLevel.NORMAL,
    )
    # Secret part of the user's calendar feed address (calendar apps cannot log in).
    calendar_token = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def can_manage_documents(self) -> bool:
        return self.is_superuser or self.role in (Role.ADMIN, Role.OFFICE)

    @property
    def can_administer(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN
