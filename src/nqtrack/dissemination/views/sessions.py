"""Study sessions: list, form, detail with the attendance table, invitations, and the
attendance import that runs as a background job with a progress bar."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from nqtrack.core.exports import xlsx_response
from nqtrack.core.forms import apply_errors
from nqtrack.dissemination import importing, jobs, sessions
from nqtrack.dissemination.access import can_manage_unit
from nqtrack.dissemination.forms import CodesForm, ImportForm, SessionForm
from nqtrack.dissemination.models import AttendanceStatus, ImportKind, ImportStatus, Member
from nqtrack.dissemination.selectors import (
    access_import_job_by_id,
    access_plan_by_id,
    access_session_by_id,
    members_visible_to,
    session_attendance,
    session_attendance_stats,
    sessions_visible_to,
)
from nqtrack.dissemination.views.common import (
    can_write,
    drop_pending,
    error_text,
    keep_pending,
    paginate,
    pending,
    percent,
    require_writer,
    user_of,
)
from nqtrack.documents.selectors import access_document_by_id

ATTENDANCE_PER_PAGE = 100
STATUS_LABELS = {str(s.value): str(s.label) for s in AttendanceStatus}


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    qs = sessions_visible_to(user)
    document = None
    if request.GET.get("van-ban"):
        document = access_document_by_id(user, request.GET["van-ban"])
        qs = qs.filter(documents=document)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(title__icontains=q) | qs.filter(organizer__name__icontains=q)
    qs = qs.order_by("-held_on", "-id").distinct()
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "hoi-nghi-hoc-tap.xlsx",
            _("Study sessions"),
            [
                _("Held on"),
                _("Session"),
                _("Organizer"),
                _("Documents"),
                _("Format"),
                _("Connection points"),
            ],
            (
                [
                    s.held_on,
                    s.title,
                    s.organizer.name,
                    ", ".join(d.symbol for d in s.documents.all()),
                    s.get_format_display(),
                    s.connection_points,
                ]
                for s in qs
            ),
        )
    return render(
        request,
        "dissemination/sessions.html",
        {
            "page_obj": paginate(request, qs),
            "q": q,
            "document": document,
            "can_write": can_write(user),
        },
    )


@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    require_writer(user)
    if request.method == "POST":
        form = SessionForm(request.POST, user=user)
        if form.is_valid():
            try:
                session = sessions.study_session_create(by=user, **form.service_kwargs())
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, error_text(exc))
            else:
                invited = session.attendance.count()
                messages.success(
                    request,
                    ngettext(
                        "The session was recorded; %(n)s member is invited.",
                        "The session was recorded; %(n)s members are invited.",
                        invited,
                    )
                    % {"n": invited},
                )
                return redirect("dissemination:session", pk=session.pk)
    else:
        initial: dict[str, Any] = {}
        if user.organization is not None:
            initial["organizer"] = user.organization.code
        if request.GET.get("ke-hoach"):
            plan = access_plan_by_id(user, request.GET["ke-hoach"])
            initial.update(plan=plan.pk, documents=[plan.document.pk])
        form = SessionForm(user=user, initial=initial)
    return render(
        request, "dissemination/session_form.html", {"form": form, "title": _("New study session")}
    )


@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a session's date, format, documents, speakers…; its organizer, plan and
    invitations stay as they are."""
    user = user_of(request)
    require_writer(user)
    session = access_session_by_id(user, pk)
    if request.method == "POST":
        form = SessionForm(request.POST, user=user)
        form.fields["organizer"].disabled = True
        form.fields["plan"].disabled = True
        form.initial.update(organizer=session.organizer.code, plan=session.plan_id)
        if form.is_valid():
            data = form.service_kwargs()
            for fixed in ("organizer", "plan", "invite_members"):
                data.pop(fixed, None)
            try:
                sessions.study_session_update(by=user, session=session, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("The session was saved."))
                return redirect("dissemination:session", pk=session.pk)
    else:
        form = SessionForm(
            user=user,
            initial={
                "organizer": session.organizer.code,
                "plan": session.plan_id,
                "documents": [d.pk for d in session.documents.all()],
                "title": session.title,
                "held_on": session.held_on,
                "format": session.format,
                "connection_points": session.connection_points,
                "connection_point_names": "\n".join(session.connection_point_names or []),
                "audience": session.audience_id,
                "speakers": [s.pk for s in session.speakers.all()],
                "location": session.location,
                "notes": session.notes,
            },
        )
        form.fields["organizer"].disabled = True
        form.fields["plan"].disabled = True
    return render(
        request,
        "dissemination/session_form.html",
        {"form": form, "title": _("Edit the study session")},
    )


def _session_page(request: HttpRequest, session: Any, **extra: Any) -> HttpResponse:
    user = user_of(request)
    stats = session_attendance_stats(session)
    rows = session_attendance(session)
    status = request.GET.get("status")
    if status is not None and status in STATUS_LABELS:
        rows = rows.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(member__code__icontains=q) | rows.filter(member__full_name__icontains=q)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"diem-danh-{session.pk}.xlsx",
            _("Attendance"),
            [_("Member code"), _("Full name"), _("Unit"), _("Attendance")],
            (
                [
                    a.member.code,
                    a.member.full_name,
                    a.member.organization.name,
                    STATUS_LABELS[a.status],
                ]
                for a in rows
            ),
        )
    can_edit = can_manage_unit(user, session.organizer)
    return render(
        request,
        "dissemination/session.html",
        {
            "session": session,
            "stats": stats,
            "rate": percent(stats.rate),
            "page_obj": paginate(request, rows, per_page=ATTENDANCE_PER_PAGE),
            "status": status,
            "q": q,
            "status_labels": STATUS_LABELS,
            "marks": [(k, v) for k, v in STATUS_LABELS.items() if k],
            "can_edit": can_edit,
            "codes_form": CodesForm() if can_edit else None,
            "jobs": session_jobs(session),
            **extra,
        },
    )


def session_jobs(session: Any) -> Any:
    from nqtrack.dissemination.models import ImportJob

    return ImportJob.objects.filter(
        kind=ImportKind.ATTENDANCE, params__session=session.pk
    ).order_by("-created_at")[:5]


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    session = access_session_by_id(user, pk)
    if request.method == "POST":
        marks: dict[Member, str] = {}
        ids = [int(v) for v in request.POST.getlist("member") if v.isdigit()]
        members = {m.pk: m for m in members_visible_to(user).filter(pk__in=ids)}
        for member_id in ids:
            value = request.POST.get(f"st-{member_id}")
            if member_id in members and value is not None:
                marks[members[member_id]] = value
        try:
            changed = sessions.attendance_record(by=user, session=session, marks=marks)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _("Nothing was saved: %(error)s") % {"error": error_text(exc)})
        else:
            messages.success(
                request,
                ngettext(
                    "Attendance saved: %(n)s change.", "Attendance saved: %(n)s changes.", changed
                )
                % {"n": changed},
            )
        return redirect(request.get_full_path())
    return _session_page(request, session)


def _codes_members(request: HttpRequest, session: Any) -> tuple[list[Member], list[str]]:
    form = CodesForm(request.POST)
    if not form.is_valid():
        return [], []
    codes = form.code_list()
    found = {m.code: m for m in members_visible_to(request.user).filter(code__in=codes)}  # type: ignore[arg-type]
    return list(found.values()), [c for c in codes if c not in found]


@login_required
@require_POST
def session_invite(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    session = access_session_by_id(user, pk)
    members, unknown = _codes_members(request, session)
    if unknown:
        messages.error(
            request,
            _("Nothing was changed: no party member with the codes %(codes)s in your scope.")
            % {"codes": ", ".join(unknown)},
        )
        return redirect("dissemination:session", pk=session.pk)
    try:
        if request.POST.get("action") == "uninvite":
            n = sessions.session_uninvite(by=user, session=session, members=members)
            messages.success(request, _("%(n)s removed from the invitation list.") % {"n": n})
        else:
            n = sessions.session_invite(by=user, session=session, members=members)
            messages.success(request, _("%(n)s added to the invitation list.") % {"n": n})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _("Nothing was changed: %(error)s") % {"error": error_text(exc)})
    return redirect("dissemination:session", pk=session.pk)


@login_required
@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    session = access_session_by_id(user, pk)
    try:
        sessions.study_session_delete(by=user, session=session)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("dissemination:session", pk=session.pk)
    messages.success(request, _("The study session was deleted."))
    return redirect("dissemination:sessions")


# Attendance import ---------------------------------------------------------------------

PENDING_ATTENDANCE = "study_attendance_import"


def attendance_summary(report: importing.ImportCheck | None) -> str:
    if report is None or not report.ok:
        return ""
    return _("%(present)s present, %(excused)s absent with leave, %(absent)s absent.") % {
        "present": report.counts.get("present", 0),
        "excused": report.counts.get("excused", 0),
        "absent": report.counts.get("absent", 0),
    }


@login_required
def attendance_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1 checks the file (dry run); step 2 starts a background job on the same file."""
    user = user_of(request)
    session = access_session_by_id(user, pk)
    if not can_manage_unit(user, session.organizer):
        raise PermissionDenied(_("You may only read study and dissemination."))
    report = None
    form = ImportForm()
    if request.method == "POST" and request.POST.get("step") == "apply":
        found = pending(request, PENDING_ATTENDANCE)
        if found is None or found[0].get("session") != session.pk:
            messages.error(request, _("The checked file has expired; upload it again."))
            return redirect("dissemination:attendance-import", pk=session.pk)
        info, path = found
        try:
            with path.open("rb") as handle:
                job = jobs.start_import_job(
                    by=user,
                    kind=ImportKind.ATTENDANCE,
                    upload=ContentFile(handle.read()),
                    filename=info["name"],
                    session=session,
                )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request, _("Nothing was imported: %(error)s") % {"error": error_text(exc)}
            )
            return redirect("dissemination:attendance-import", pk=session.pk)
        drop_pending(request, PENDING_ATTENDANCE)
        return redirect("dissemination:job", pk=job.pk)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        drop_pending(request, PENDING_ATTENDANCE)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            report = importing.attendance_import_check(
                by=user, session=session, upload=ContentFile(data), filename=upload.name
            )
            if report.ok:
                keep_pending(request, PENDING_ATTENDANCE, data, upload.name, session=session.pk)
    return render(
        request,
        "dissemination/attendance_import.html",
        {
            "session": session,
            "form": form,
            "report": report,
            "summary": attendance_summary(report),
        },
    )


def _job_data(job: Any) -> dict[str, Any]:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "phase": job.phase,
        "phase_label": str(job.get_phase_display()),
        "total": job.total,
        "processed": job.processed,
        "percent": job.percent,
        "error_count": job.error_count,
        "errors": job.errors[:100],
        "done": job.status in (ImportStatus.DONE, ImportStatus.FAILED),
        "can_run_again": jobs.can_run_again(job),
    }


def _job_swept(user: Any, pk: int) -> Any:
    """The job, after ending it if its worker died (so the page never shows a dead job as
    running)."""
    job = access_import_job_by_id(user, pk)
    if job.status == ImportStatus.RUNNING and jobs.import_jobs_sweep(job_ids=[job.pk]):
        job.refresh_from_db()
    return job


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    job = _job_swept(user, pk)
    session = None
    stats = None
    if job.kind == ImportKind.ATTENDANCE and job.params.get("session"):
        session = sessions_visible_to(user).filter(pk=job.params["session"]).first()
        if session is not None and job.status == ImportStatus.DONE:
            stats = session_attendance_stats(session)
    return render(
        request,
        "dissemination/job.html",
        {
            "job": job,
            "data": _job_data(job),
            "session": session,
            "stats": stats,
            "rate": percent(stats.rate) if stats else None,
            "may_run_again": jobs.can_run_again(job) and can_manage_unit(user, job.organization),
        },
    )


@login_required
def job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """What the progress bar polls: total, processed, status and errors of an import."""
    job = _job_swept(user_of(request), pk)
    return JsonResponse(_job_data(job))


@login_required
@require_POST
def job_run_again(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Chạy lại": queue an interrupted import again on the same file."""
    user = user_of(request)
    job = _job_swept(user, pk)
    if not can_manage_unit(user, job.organization):
        raise PermissionDenied(_("You may only read study and dissemination."))
    try:
        jobs.import_job_rerun(by=user, job=job)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The import was queued again."))
    return redirect("dissemination:job", pk=job.pk)
