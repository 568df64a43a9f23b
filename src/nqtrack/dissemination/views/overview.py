"""The study overview of one document at one organization: study, essays, outreach and plan
roll-ups with drill-down by ?org=CODE, and the lists of members behind the figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nqtrack.core.exports import xlsx_response
from nqtrack.dissemination import rollups
from nqtrack.dissemination.forms import visible_documents
from nqtrack.dissemination.models import Grade, OutreachChannel
from nqtrack.dissemination.selectors import (
    access_rollup_root,
    plans_visible_to,
    sessions_visible_to,
)
from nqtrack.dissemination.views.common import can_write, ddmmyyyy, paginate, percent, user_of
from nqtrack.documents.models import Document
from nqtrack.documents.selectors import access_document_by_id
from nqtrack.organizations.models import Organization, User

PLAN_STATE_LABELS = {
    "on_time": gettext_lazy("held on time"),
    "late": gettext_lazy("held late"),
    "overdue": gettext_lazy("not held, overdue"),
    "pending": gettext_lazy("not yet due"),
}


@dataclass
class Line:
    label: str
    cells: list[Any]
    org: Organization | None = None
    rate: float | None = None  # percent
    total: bool = False


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    lines: list[Line] = field(default_factory=list)
    rate_header: str = ""
    note: str = ""

    def xlsx(self, root: Organization) -> HttpResponse:
        headers = [_("Unit"), *self.headers, *([self.rate_header] if self.rate_header else [])]
        rows = [
            [line.label, *line.cells, *([line.rate] if self.rate_header else [])]
            for line in self.lines
        ]
        return xlsx_response(f"hoc-tap-{self.key}-{root.code}.xlsx", self.title, headers, rows)


def _label(row: rollups.RollupRow) -> str:
    return _("%(name)s (own members)") % {"name": row.label} if row.own else row.label


def _lines(result: rollups.Rollup, cells: Any, rate: Any = None) -> list[Line]:
    lines = [
        Line(
            label=_label(r),
            cells=cells(r),
            org=None if r.own else r.org,
            rate=percent(rate(r)) if rate else None,
        )
        for r in result.rows
    ]
    t = result.total
    lines.append(
        Line(label=_("Total"), cells=cells(t), rate=percent(rate(t)) if rate else None, total=True)
    )
    return lines


def study_table(root: Organization, document: Document) -> Table:
    result = rollups.study_rollup(root, document)
    return Table(
        key="hoc-tap",
        title=_("Study"),
        headers=[_("Members"), _("Invited"), _("Attended"), _("Not yet studied")],
        rate_header=_("Attended / invited (%)"),
        lines=_lines(
            result,
            lambda r: [r["members"], r["invited"], r["attended"], r["not_studied"]],
            lambda r: r.rate("attended", "invited"),
        ),
    )


def essay_table(root: Organization, document: Document, today: Any) -> Table:
    result = rollups.essay_rollup(root, document, on=today)
    grades = [str(g) for g in Grade]
    return Table(
        key="thu-hoach",
        title=_("Essays"),
        headers=[
            _("Members"),
            _("Must write"),
            _("Written"),
            *[str(g.label) for g in Grade],
            _("Owing a rewrite"),
            _("Missing"),
        ],
        rate_header=_("Written / must write (%)"),
        lines=_lines(
            result,
            lambda r: [
                r["members"],
                r["mandatory"],
                r["written"],
                *[r[g] for g in grades],
                r["rewrite"],
                r["missing"],
            ],
            lambda r: (
                min(1.0, (r["mandatory"] - r["missing"]) / r["mandatory"])
                if r["mandatory"]
                else None
            ),
        ),
    )


def outreach_table(root: Organization, document: Document) -> Table:
    result = rollups.outreach_rollup(root, document=document)
    channels = [c for c in OutreachChannel if result.total[f"times:{c}"]]
    return Table(
        key="tuyen-truyen",
        title=_("Outreach"),
        headers=[*[str(c.label) for c in channels], _("Times in all"), _("People reached")],
        lines=_lines(
            result, lambda r: [*[r[f"times:{c}"] for c in channels], r["times"], r["reach"]]
        ),
        note=_("Number of times by channel."),
    )


def overdue_units(user: User, root: Organization, document: Document, today: Any) -> list[Any]:
    rows = []
    for plan in plans_visible_to(user).filter(document=document):
        for unit in rollups.units_without_session(plan, today=today, root=root):
            rows.append((plan, unit))
    return rows


def default_document(user: User) -> Document | None:
    """The document of the user's latest session or plan, else the latest visible one."""
    session = sessions_visible_to(user).order_by("-held_on", "-id").first()
    if session is not None:
        doc = visible_documents(user).filter(study_sessions=session).first()
        if doc is not None:
            return doc
    plan = plans_visible_to(user).order_by("-due_on", "-id").first()
    if plan is not None:
        return plan.document
    return visible_documents(user).first()


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if user.organization is None and not user.is_superuser:
        raise Http404(_("No such organization."))
    document: Document | None = (
        access_document_by_id(user, request.GET["van-ban"])
        if request.GET.get("van-ban")
        else default_document(user)
    )
    code = request.GET.get("org") or (
        user.organization.code
        if user.organization
        else Organization.objects.filter(parent=None)
        .order_by("path")
        .values_list("code", flat=True)
        .first()
        or ""
    )
    root = access_rollup_root(user, code)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "root": root,
        "document": document,
        "documents": visible_documents(user)[:500],
        "can_write": can_write(user),
        "today": today,
    }
    parent = root.parent
    if parent is not None and (
        user.is_superuser
        or (user.organization is not None and parent.path.startswith(user.organization.path))
    ):
        context["parent"] = parent
    if document is None:
        return render(request, "dissemination/overview.html", context)

    export = request.GET.get("export", "")
    tables = {
        "hoc-tap": lambda: study_table(root, document),
        "thu-hoach": lambda: essay_table(root, document, today),
        "tuyen-truyen": lambda: outreach_table(root, document),
    }
    if export in tables:
        return tables[export]().xlsx(root)
    overdue = overdue_units(user, root, document, today)
    not_studied = rollups.members_not_studied(root, document)
    missing = rollups.members_missing_essay(root, document, on=today)
    rewrite = rollups.essays_owing_rewrite(root, document)
    member_headers = [_("Member code"), _("Full name"), _("Unit")]
    if export == "chua-hoc":
        return xlsx_response(
            f"chua-hoc-tap-{root.code}.xlsx",
            _("Not yet studied"),
            member_headers,
            ([m.code, m.full_name, m.organization.name] for m in not_studied.iterator()),
        )
    if export == "thieu-bai":
        return xlsx_response(
            f"thieu-bai-thu-hoach-{root.code}.xlsx",
            _("Missing essays"),
            member_headers,
            ([m.code, m.full_name, m.organization.name] for m in missing.iterator()),
        )
    if export == "viet-lai":
        return xlsx_response(
            f"viet-lai-{root.code}.xlsx",
            _("Owing a rewrite"),
            [*member_headers, _("Attempt"), _("Score")],
            (
                [
                    e.member.code,
                    e.member.full_name,
                    e.member.organization.name,
                    e.attempt,
                    float(e.score),
                ]
                for e in rewrite
            ),
        )
    if export == "chua-to-chuc":
        return xlsx_response(
            f"chua-to-chuc-{root.code}.xlsx",
            _("Units without a session"),
            [_("Unit"), _("Code"), _("Study plan"), _("Session held by")],
            (
                [u.organization.name, u.organization.code, str(p), ddmmyyyy(u.due_on)]
                for p, u in overdue
            ),
        )
    study = study_table(root, document)
    essays = essay_table(root, document, today)
    context.update(
        {
            "study": study,
            "essays": essays,
            "outreach": outreach_table(root, document),
            "study_total": study.lines[-1],
            "essay_total": essays.lines[-1],
            "overdue": overdue,
            "not_studied": paginate(request, not_studied, "trang"),
            "missing": paginate(request, missing, "trang-thieu"),
            "rewrite": paginate(request, rewrite, "trang-viet-lai"),
            "grade_labels": [str(g.label) for g in Grade],
        }
    )
    return render(request, "dissemination/overview.html", context)
