"""Action programmes and tasks; for now the calendar data deadlines are counted against."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicHoliday(models.Model):
    """A day off that "N ngày làm việc" skips. Administrators add each year's announced days."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["day"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"


class DeadlineKind(models.TextChoices):
    DATE = "date", _("date")
    PERIOD = "period", _("period")
    RELATIVE = "relative", _("relative term")
    RECURRING = "recurring", _("recurring")
    CONTINUOUS = "continuous", _("continuous")
    NONE = "none", _("no deadline")


# Columns the maintained counts depend on (assignments/tallies.py).
TALLIED = {
    "lead",
    "lead_id",
    "source_document",
    "source_document_id",
    "due_on",
    "completed_on",
    "cancelled",
    "deadline_kind",
}

# Columns who sees a task through its assigning unit depends on (assignments/reach.py).
REACHED = {"lead", "lead_id", "assigned_by", "assigned_by_id"}


class TaskQuerySet(models.QuerySet["Task"]):
    """Bulk writes recount the leads they touch, as single saves do through signals."""

    def update(self, **kwargs: object) -> int:
        if not (TALLIED | REACHED) & set(kwargs):
            return super().update(**kwargs)
        from nqtrack.assignments import reach, tallies

        rows = list(self.values_list("pk", "lead_id"))
        count = super().update(**kwargs)
        if REACHED & set(kwargs):
            reach.refresh_tasks(pk for pk, _ in rows)
        if TALLIED & set(kwargs):
            leads = {lead_id for _, lead_id in rows}
            lead = kwargs.get("lead_id", kwargs.get("lead"))
            if lead is not None:
                leads.add(getattr(lead, "pk", lead))  # type: ignore[arg-type]
            tallies.leads_changed(leads)
        return count

    def bulk_create(self, objs, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        from nqtrack.assignments import reach, tallies

        created = super().bulk_create(objs, *args, **kwargs)
        tallies.leads_changed({task.lead_id for task in created})
        reach.refresh_tasks(task.pk for task in created if task.pk is not None)
        return created


class Task(models.Model):
    """One assignment (đầu việc): who leads, who supports, by when, producing what."""

    source_document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("source document"),
    )
    # The organization that assigned the task and follows it up (usually the document's registry).
    assigned_by = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    text = models.TextField(_("task"))
    lead = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="led_tasks",
        verbose_name=_("lead unit"),
    )
    supporting = models.ManyToManyField(
        "organizations.Organization",
        blank=True,
        related_name="supported_tasks",
        verbose_name=_("supporting units"),
    )
    deadline_text = models.CharField(_("deadline as written"), max_length=255, blank=True)
    deadline_kind = models.CharField(
        _("kind of deadline"),
        max_length=20,
        choices=DeadlineKind.choices,
        default=DeadlineKind.NONE,
    )
    deadline_label = models.CharField(_("deadline"), max_length=120, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    product = models.CharField(_("expected product"), max_length=255, blank=True)
    field = models.ForeignKey(
        "documents.Field",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("field"),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    # Quality of a finished task, judged by the review team: done is not the same as done well.
    quality = models.CharField(_("quality"), max_length=10, blank=True)
    quality_comment = models.TextField(_("quality comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Moved on by every service that changes the task (core.versioning): see Document.version.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        "organizations.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["lead", "due_on"])]

    def __str__(self) -> str:
        return self.text[:80]


class TaskUpdate(models.Model):
    """The task's history: progress reports and status events, in order."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        "organizations.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    event = models.CharField(_("event"), max_length=20)
    note = models.TextField(_("note"), blank=True)
    on = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("task update")
        verbose_name_plural = _("task updates")

    def __str__(self) -> str:
        return f"{self.event} {self.on or ''}"


class Evidence(models.Model):
    """A file that proves work on a task: minutes, a report, a table, a photograph.

    Attached to a progress report (`update`) or to a unit's answer in a reporting round."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="evidence")
    update = models.ForeignKey(
        TaskUpdate,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("progress report"),
    )
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        "organizations.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class ExtensionDecision(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class ExtensionRequest(models.Model):
    """The lead unit asks for more time (or another adjustment); the assigning office decides."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        "organizations.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    proposed_due_on = models.DateField(_("proposed deadline"))
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=ExtensionDecision.choices,
        default=ExtensionDecision.PENDING,
    )
    decided_by = models.ForeignKey(
        "organizations.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    new_due_on = models.DateField(_("new deadline"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"{self.task_id}: {self.proposed_due_on:%d/%m/%Y} ({self.decision})"


class Quality(models.TextChoices):
    MET = "met", _("met (đạt)")
    NOT_MET = "not_met", _("not met (chưa đạt)")


class ProgrammeRequirement(models.Model):
    """A subordinate committee or body must issue its own action programme for a document."""

    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.CASCADE,
        related_name="programme_requirements",
        verbose_name=_("document"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    due_on = models.DateField(_("programme due on"))
    created_by = models.ForeignKey(
        "organizations.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__path"]
        verbose_name = _("required programme")
        verbose_name_plural = _("required programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "organization"], name="programme_required_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.document}"


class Target(models.Model):
    """A measurable target (chỉ tiêu) of an action programme."""

    programme = models.ForeignKey(
        "documents.Document",
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("target"), max_length=300)
    unit = models.CharField(_("unit of measure"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    baseline_on = models.DateField(_("baseline date"))
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    target_year = models.PositiveSmallIntegerField(_("target year"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("source or note"), max_length=300, blank=True)

    class Meta:
        ordering = ["measured_on", "id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(fields=["target", "measured_on"], name="one_measurement_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.measured_on:%d/%m/%Y}: {self.value}"


class LeadTally(models.Model):
    """How many tasks one lead unit has of one document, by due date and settled state.

    Kept up to date with the tasks (assignments/tallies.py). `owner`, `security_level` and
    `fields` are the document's as they were when these tasks were counted, so that a later
    change of the document is taken back out of the subtree counts exactly.
    """

    lead = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()  # tallies.NO_DATE when the task has none
    state = models.CharField(max_length=20)
    owner = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    security_level = models.CharField(max_length=20)
    fields = models.CharField(max_length=255, blank=True)  # field ids, comma-separated
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "document", "due_on", "state"], name="lead_tally_unique"
            )
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="lead_tally_late")]

    def __str__(self) -> str:
        return f"{self.lead_id}/{self.document_id} {self.due_on} {self.state}: {self.n}"


class SubtreeTally(models.Model):
    """Tasks led anywhere in an organization's subtree, summed from LeadTally up the tree.

    `field` is 0 for every task, a field's id for the tasks of documents of that field, and -1
    for the tasks of documents without a field (a task counts once per field of its document).
    """

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    field = models.IntegerField()
    # The document's owner, or 0 when the owner is the lead, above it or below it: whoever
    # reads this subtree then sees the document by the registry rule, so the rows need not
    # be split by owner (documents.selectors.documents_visible_to).
    owner_id = models.IntegerField()
    security_level = models.CharField(max_length=20)
    due_on = models.DateField()  # open tasks: the due date; settled ones: 1 January of its year
    state = models.CharField(max_length=20)
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "field", "owner_id", "security_level", "due_on", "state"],
                name="subtree_tally_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "field", "state", "due_on"], name="subtree_tally_read"
            ),
            # The most-late units: own rows (field OWN) of open tasks past due, over a subtree.
            models.Index(fields=["field", "state", "due_on"], name="subtree_tally_late"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.field} {self.due_on} {self.state}: {self.n}"


class TaskReach(models.Model):
    """An organization that sees a task other than through its lead: it is the task's
    assigning unit or a supporting unit, or above one of them, but not the lead or above it.

    With these rows, "the tasks an organization's subtree sees" is the tasks led in the subtree
    (what SubtreeTally counts) plus the tasks reaching the organization itself, so a list can
    count them from the maintained counts and one index. Kept by assignments/reach.py."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "task"], name="task_reach_unique")
        ]
        indexes = [models.Index(fields=["task"], name="task_reach_task")]

    def __str__(self) -> str:
        return f"{self.organization_id} sees {self.task_id}"
