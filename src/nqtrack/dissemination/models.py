"""Study and dissemination: members, study plans and sessions, attendance, essays, outreach."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nqtrack.dissemination.rules import (
    SCORE_MAX,
    SCORE_MIN,
    AttendanceStatus,
    Exemption,
    Grade,
    Sex,
)

__all__ = [
    "AttendanceStatus",
    "Exemption",
    "Grade",
    "Sex",
]

# Stored exemption flags: the field of each one on Member.
EXEMPTION_FIELDS = {
    Exemption.PARTY_ACTIVITIES: "exempt_party_activities",
    Exemption.ILL_HEALTH: "ill_health",
    Exemption.RETIRED: "retired",
    Exemption.RURAL_NO_POST: "rural_no_post",
}


class MemberQuerySet(models.QuerySet["Member"]):
    """Bulk writes recount the registers they touch (tallies.py), as single saves do through
    signals."""

    def update(self, **kwargs: object) -> int:
        if "organization" not in kwargs and "organization_id" not in kwargs:
            return super().update(**kwargs)
        from nqtrack.dissemination import tallies

        units = set(self.values_list("organization_id", flat=True))
        count = super().update(**kwargs)
        unit = kwargs.get("organization_id", kwargs.get("organization"))
        unit = getattr(unit, "pk", unit)
        if isinstance(unit, int):
            units.add(unit)
        else:  # an expression (bulk_update): the rows' units after the update
            units |= set(self.values_list("organization_id", flat=True))
        tallies.changed(units)
        return count

    def bulk_create(self, objs, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        from nqtrack.dissemination import tallies

        created = super().bulk_create(objs, *args, **kwargs)
        tallies.changed({m.organization_id for m in created})
        return created


class AttendanceQuerySet(models.QuerySet["Attendance"]):
    """Bulk writes recount the units and documents they touch (tallies.py)."""

    def update(self, **kwargs: object) -> int:
        from nqtrack.dissemination import tallies

        units = set(self.values_list("member__organization_id", flat=True).distinct())
        sessions = set(self.values_list("session_id", flat=True).distinct())
        count = super().update(**kwargs)
        if "member" in kwargs or "member_id" in kwargs:
            member = kwargs.get("member_id", kwargs.get("member"))
            units |= set(
                Member.objects.filter(pk=getattr(member, "pk", member)).values_list(
                    "organization_id", flat=True
                )
            )
        if "session" in kwargs or "session_id" in kwargs:
            session = kwargs.get("session_id", kwargs.get("session"))
            sessions.add(getattr(session, "pk", session))  # type: ignore[arg-type]
        docs = {d for s in sessions for d in tallies.session_documents(s)}
        if units and docs:
            tallies.changed(units, docs, members=False)
        return count

    def bulk_create(self, objs, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        from nqtrack.dissemination import tallies

        created = super().bulk_create(objs, *args, **kwargs)
        members = {a.member_id for a in created}
        units = (
            set(
                Member.objects.filter(pk__in=list(members)).values_list(
                    "organization_id", flat=True
                )
            )
            if len(members) <= tallies.CHUNK
            else None
        )
        if units is None:
            units = {a.member.organization_id for a in created}
        docs = {d for s in {a.session_id for a in created} for d in tallies.session_documents(s)}
        if units and docs:
            tallies.changed(units, docs, members=False)
        return created


class Member(models.Model):
    """A party member (đảng viên) in the register of a cell or grassroots organization."""

    code = models.CharField(_("member code"), max_length=40, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("party cell or organization"),
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.MALE)
    posts = models.TextField(_("posts held"), blank=True)
    exempt_party_activities = models.BooleanField(
        _("exempted from party activities"), default=False
    )
    ill_health = models.BooleanField(_("ill health"), default=False)
    retired = models.BooleanField(_("retired"), default=False)
    rural_no_post = models.BooleanField(_("no leadership post in a rural cell"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["organization__path", "full_name", "code"]
        verbose_name = _("party member")
        verbose_name_plural = _("party members")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"

    @property
    def stored_exemptions(self) -> list[str]:
        return [str(flag) for flag, name in EXEMPTION_FIELDS.items() if getattr(self, name)]


class AudienceGroup(models.Model):
    """Who a session is for (key cadres, teachers, armed forces…): data, editable."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    rank = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("audience group")
        verbose_name_plural = _("audience groups")

    def __str__(self) -> str:
        return self.name


class StudyKind(models.TextChoices):
    IN_DEPTH = "in_depth", _("In-depth study (quán triệt)")
    DISSEMINATION = "dissemination", _("Dissemination (phổ biến)")


class Speaker(models.Model):
    """A lecturer (báo cáo viên) and the profile offices look them up by."""

    full_name = models.CharField(_("full name"), max_length=150)
    title = models.CharField(_("title or post"), max_length=255, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="speakers",
        verbose_name=_("organization"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.full_name


class StudyPlan(models.Model):
    """One committee's plan to study or disseminate a document: who holds sessions by when."""

    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="study_plans",
        verbose_name=_("document"),
    )
    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="study_plans",
        verbose_name=_("issuing committee"),
    )
    kind = models.CharField(_("kind of study"), max_length=20, choices=StudyKind.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    outline = models.TextField(_("outline"), blank=True)
    due_on = models.DateField(_("sessions held by"))
    audiences = models.ManyToManyField(
        AudienceGroup, blank=True, related_name="+", verbose_name=_("audience groups")
    )
    speakers = models.ManyToManyField(
        Speaker, blank=True, related_name="plans", verbose_name=_("speakers")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-due_on", "-id"]
        verbose_name = _("study plan")
        verbose_name_plural = _("study plans")
        constraints = [
            models.UniqueConstraint(fields=["owner", "document"], name="study_plan_one_per_owner")
        ]

    def __str__(self) -> str:
        return self.title or str(self.document)


class StudyPlanTarget(models.Model):
    """Units that must hold a session: every unit of a level in the owner's subtree, or one
    named unit, by a date."""

    plan = models.ForeignKey(
        StudyPlan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("study plan")
    )
    level = models.ForeignKey(
        "organizations.Level",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("level"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    due_on = models.DateField(_("session held by"))

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__isnull=True, organization__isnull=False)
                | models.Q(level__isnull=False, organization__isnull=True),
                name="study_plan_target_level_or_organization",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level or self.organization}: {self.due_on:%d/%m/%Y}"


class StudyMaterial(models.Model):
    """Outline or material of a plan: a text, a file, or both."""

    plan = models.ForeignKey(
        StudyPlan, on_delete=models.CASCADE, related_name="materials", verbose_name=_("study plan")
    )
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="study/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")

    def __str__(self) -> str:
        return self.title


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class StudySession(models.Model):
    """A study conference (hội nghị học tập, quán triệt) held by one organization."""

    organizer = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="study_sessions",
        verbose_name=_("organizer"),
    )
    plan = models.ForeignKey(
        StudyPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        verbose_name=_("study plan"),
    )
    documents = models.ManyToManyField(
        "documents.Document", related_name="study_sessions", verbose_name=_("documents covered")
    )
    title = models.CharField(_("title"), max_length=255, blank=True)
    held_on = models.DateField(_("held on"), db_index=True)
    format = models.CharField(
        _("format"), max_length=20, choices=SessionFormat.choices, default=SessionFormat.IN_PERSON
    )
    connection_points = models.PositiveIntegerField(_("connection points"), default=0)
    connection_point_names = models.JSONField(_("connection point names"), default=list, blank=True)
    audience = models.ForeignKey(
        AudienceGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("audience group"),
    )
    speakers = models.ManyToManyField(
        Speaker, blank=True, related_name="sessions", verbose_name=_("speakers")
    )
    location = models.CharField(_("location"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")

    def __str__(self) -> str:
        return self.title or f"{self.organizer} {self.held_on:%d/%m/%Y}"


class Attendance(models.Model):
    """A member invited to a session, and whether they came. Written in bulk by imports, so
    the table has no timestamps or defaults that COPY would have to fill."""

    session = models.ForeignKey(
        StudySession, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("member")
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=AttendanceStatus.choices, blank=True
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.session_id}: {self.status or '-'}"


class EssayQuestion(models.Model):
    """A question (or form) members answer in their essay on a document, set for a level or
    for one organization."""

    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.CASCADE,
        related_name="essay_questions",
        verbose_name=_("document"),
    )
    level = models.ForeignKey(
        "organizations.Level",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("level"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    text = models.TextField(_("question"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["document", "id"]
        verbose_name = _("essay question")
        verbose_name_plural = _("essay questions")

    def __str__(self) -> str:
        return self.text[:80]


class Essay(models.Model):
    """One attempt at an essay (bài thu hoạch). Every attempt is kept; the latest one carries
    the member's current grade and whether a rewrite is still owed."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="essays", verbose_name=_("member")
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="essays",
        verbose_name=_("document"),
    )
    question = models.ForeignKey(
        EssayQuestion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="essays",
        verbose_name=_("question"),
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    score = models.DecimalField(_("score"), max_digits=3, decimal_places=1)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    rewrite_required = models.BooleanField(_("rewrite required"), default=False)
    is_latest = models.BooleanField(_("latest attempt"), default=True)
    graded_on = models.DateField(_("graded on"))
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("graded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["member__code", "document", "attempt"]
        verbose_name = _("essay")
        verbose_name_plural = _("essays")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "document", "attempt"], name="essay_attempt_unique"
            ),
            models.UniqueConstraint(
                fields=["member", "document"],
                condition=models.Q(is_latest=True),
                name="essay_one_latest_attempt",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="essay_score_on_ten_point_scale",
            ),
        ]
        indexes = [models.Index(fields=["document", "is_latest"])]

    def __str__(self) -> str:
        return f"{self.member} – {self.document} #{self.attempt}: {self.score}"


class OutreachChannel(models.TextChoices):
    RADIO = "radio", _("Radio")
    PORTAL = "portal", _("Web portal")
    LOUDSPEAKER = "loudspeaker", _("Loudspeaker")
    SOCIAL_MEDIA = "social_media", _("Social media")
    MASS_MEETING = "mass_meeting", _("Mass-organization meetings")
    MOBILE_CINEMA = "mobile_cinema", _("Mobile cinema")
    OTHER = "other", _("Other")


class OutreachActivity(models.Model):
    """Propaganda (tuyên truyền) about a document by a unit through one channel."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="outreach_activities",
        verbose_name=_("organization"),
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="outreach_activities",
        verbose_name=_("document"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=OutreachChannel.choices)
    count = models.PositiveIntegerField(_("number of times"), default=1)
    held_on = models.DateField(_("date"), db_index=True)
    reach = models.PositiveIntegerField(_("people reached"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("outreach activity")
        verbose_name_plural = _("outreach activities")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.held_on:%d/%m/%Y}"


class ImportKind(models.TextChoices):
    MEMBERS = "members", _("Members")
    ATTENDANCE = "attendance", _("Attendance")
    ESSAY_SCORES = "essay_scores", _("Essay scores")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportPhase(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CHECKING = "checking", _("Checking rows")
    WRITING = "writing", _("Writing")
    FINISHED = "finished", _("Finished")


class ImportJob(models.Model):
    """An uploaded table being imported in the background, with its progress and errors."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.QUEUED,
        db_index=True,
    )
    phase = models.CharField(
        _("phase"), max_length=10, choices=ImportPhase.choices, default=ImportPhase.WAITING
    )
    # The scope the job writes in: its subtree may follow it.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of errors"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.original_name}"

    @property
    def percent(self) -> int:
        """Progress of the current phase, 0–100."""
        if self.status == ImportStatus.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0


class MemberTally(models.Model):
    """How many members an organization has on its own register and in its whole subtree.

    Kept up to date with the register (dissemination/tallies.py), so a roll-up reads one row
    per unit instead of counting millions of members."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    own = models.IntegerField(default=0)
    total = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.own}/{self.total}"


class StudyTally(models.Model):
    """Distinct members invited to, and present at, any session covering a document: of the
    organization's own register (`own_*`) and of its whole subtree (`invited`, `attended`).

    A member counts once per document however many sessions they attended, and in the unit
    whose register holds them, wherever the session was held. Kept up to date with the
    attendance (dissemination/tallies.py)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="+")
    own_invited = models.IntegerField(default=0)
    own_attended = models.IntegerField(default=0)
    invited = models.IntegerField(default=0)
    attended = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "organization"], name="study_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.document_id}: {self.attended}/{self.invited}"
