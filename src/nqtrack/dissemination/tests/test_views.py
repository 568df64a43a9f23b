"""Study and dissemination pages through Django's test client: what a user reads, scope, writes."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nqtrack.dissemination import essays, services, sessions
from nqtrack.dissemination.models import (
    Attendance,
    Essay,
    EssayQuestion,
    ImportJob,
    Member,
    OutreachActivity,
    StudyPlan,
    StudySession,
)
from nqtrack.dissemination.tests.support import World, csv_bytes, xlsx_bytes
from nqtrack.organizations.models import Level

D = dt.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _sync_imports(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def login(client, user):
    client.force_login(user)
    return client


def held_session(world: World) -> StudySession:
    """The commune's session: its 6 members invited, 3 present, 1 excused."""
    session = sessions.study_session_create(
        by=world.tree.commune_office,
        organizer=world.tree.xa,
        documents=[world.resolution],
        held_on=D(2025, 2, 20),
        title="Hội nghị quán triệt Nghị quyết 05",
    )
    m = world.members
    sessions.attendance_record(
        by=world.tree.commune_office,
        session=session,
        marks={
            m["CB1-01"]: "present",
            m["CB1-02"]: "present",
            m["CB2-01"]: "present",
            m["XA-01"]: "excused",
        },
    )
    return session


def text_of(response) -> str:
    return response.content.decode()


# Overview --------------------------------------------------------------------------------


def test_the_overview_shows_the_rates_grades_and_who_has_not_studied(client, world):
    held_session(world)
    essays.essay_scores_enter(
        by=world.tree.commune_office,
        organization=world.tree.cb,
        document=world.resolution,
        scores=[("CB1-01", "9.5"), ("CB1-02", "4")],
    )
    login(client, world.tree.province_office)

    response = client.get(reverse("dissemination:home"), {"van-ban": world.resolution.pk})

    page = text_of(response)
    assert response.status_code == 200
    assert "Tổng quan học tập" in page and "Tỉnh ủy A" in page
    assert "50%" in page  # 3 present of the 6 invited
    assert "Bài thu hoạch phải viết lại" in page
    assert 'data-unit="A-XA"' in page  # a drill-down row per subordinate
    assert "Đảng viên chưa học tập" in page and "VP-01" in page


def test_drilling_down_and_exporting_the_study_table(client, world):
    held_session(world)
    login(client, world.tree.province_office)
    url = reverse("dissemination:home")

    down = client.get(url, {"van-ban": world.resolution.pk, "org": "A-XA"})
    export = client.get(url, {"van-ban": world.resolution.pk, "org": "A-XA", "export": "hoc-tap"})

    assert "Chi bộ thôn 1" in text_of(down)
    assert export["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Đơn vị"
    assert rows[-1][:5] == ("Tổng cộng", 6, 6, 3, 3) or rows[-1][1:5] == (6, 6, 3, 3)


def test_figures_outside_the_users_subtree_are_404(client, world):
    login(client, world.tree.commune_office)
    url = reverse("dissemination:home")
    assert client.get(url, {"van-ban": world.resolution.pk, "org": "A-TU"}).status_code == 404
    login(client, world.tree.outsider)
    assert client.get(url, {"van-ban": world.resolution.pk}).status_code == 404


# Members ---------------------------------------------------------------------------------


def test_the_member_list_searches_filters_and_exports(client, world):
    Member.objects.filter(code="CB1-03").update(retired=True)
    login(client, world.tree.commune_office)
    url = reverse("dissemination:members")

    found = text_of(client.get(url, {"q": "CB1-0"}))
    retired = text_of(client.get(url, {"mien": "retired"}))
    export = client.get(url, {"org": "A-CB1", "export": "xlsx"})

    assert "CB1-01" in found and "CB2-01" not in found and "VP-01" not in found
    assert "CB1-03" in retired and "Đã nghỉ hưu" in retired and "CB1-01" not in retired
    rows = list(
        openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == ["CB1-01", "CB1-02", "CB1-03"] or len(rows) == 4


def test_an_office_adds_a_member_with_a_birth_date_and_an_exemption(client, world):
    login(client, world.tree.commune_office)

    response = client.post(
        reverse("dissemination:member-create"),
        {
            "code": "CB1-09",
            "full_name": "Nguyễn Thị Hoa",
            "organization": "A-CB1",
            "sex": "female",
            "birth_date": "05/03/1990",
            "exemptions": ["ill_health"],
        },
        follow=True,
    )

    member = Member.objects.get(code="CB1-09")
    assert member.birth_date == D(1990, 3, 5) and member.ill_health
    assert "Đã thêm Nguyễn Thị Hoa vào danh sách đảng viên." in text_of(response)


def test_a_duplicate_code_is_refused_with_a_message(client, world):
    login(client, world.tree.commune_office)
    response = client.post(
        reverse("dissemination:member-create"),
        {"code": "CB1-01", "full_name": "Trùng Mã", "organization": "A-CB1", "sex": "male"},
    )
    assert response.status_code == 200
    assert Member.objects.filter(full_name="Trùng Mã").count() == 0
    assert "CB1-01" in text_of(response)


def test_viewers_read_but_may_not_add_members(client, world):
    login(client, world.tree.province_viewer)
    page = text_of(client.get(reverse("dissemination:members")))
    assert "CB1-01" in page and "Thêm đảng viên" not in page
    assert client.get(reverse("dissemination:member-create")).status_code == 403


def test_a_member_of_another_province_does_not_exist_for_the_user(client, world):
    login(client, world.tree.province_office)
    assert client.get(reverse("dissemination:member", args=["B-01"])).status_code == 404
    assert client.get(reverse("dissemination:member", args=["CB1-01"])).status_code == 200


def test_the_member_import_dry_run_lists_each_bad_row_then_imports_all(client, world):
    login(client, world.tree.commune_office)
    url = reverse("dissemination:member-import")
    headers = ["Mã đảng viên", "Họ và tên", "Mã chi bộ", "Ngày sinh"]
    bad = xlsx_bytes(
        headers, [["N-01", "Lê Văn A", "A-CB1", "01/02/1980"], ["N-02", "Lê B", "X-9", ""]]
    )

    response = client.post(url, {"file": SimpleUploadedFile("dv.xlsx", bad)})

    page = text_of(response)
    assert "Có 1 dòng bị lỗi; chưa nhập dữ liệu nào" in page
    assert "X-9" in page and Member.objects.filter(code="N-01").count() == 0

    good = xlsx_bytes(headers, [["N-01", "Lê Văn A", "A-CB1", "01/02/1980"]])
    checked = text_of(client.post(url, {"file": SimpleUploadedFile("dv.xlsx", good)}))
    assert "Tệp hợp lệ" in checked and "1 đảng viên sẽ được thêm" in checked
    done = client.post(url, {"step": "apply"}, follow=True)  # a job, on its own page

    assert Member.objects.get(code="N-01").birth_date == D(1980, 2, 1)
    assert "Đã nhập danh sách đảng viên: thêm mới 1, cập nhật 0." in text_of(done)


# Sessions and the attendance import ------------------------------------------------------


def test_an_office_records_a_session_and_every_member_of_its_subtree_is_invited(client, world):
    login(client, world.tree.commune_office)
    response = client.post(
        reverse("dissemination:session-create"),
        {
            "organizer": "A-XA",
            "documents": [world.resolution.pk],
            "held_on": "20/02/2025",
            "format": "hybrid",
            "connection_points": "2",
            "connection_point_names": "Thôn 1\nThôn 2",
            "title": "Hội nghị trực tuyến",
        },
        follow=True,
    )
    session = StudySession.objects.get(title="Hội nghị trực tuyến")
    assert session.connection_points == 2 and session.attendance.count() == 6
    assert "Đã ghi nhận hội nghị; 6 đảng viên được triệu tập." in text_of(response)


def test_a_session_before_the_document_was_signed_is_refused(client, world):
    login(client, world.tree.commune_office)
    response = client.post(
        reverse("dissemination:session-create"),
        {
            "organizer": "A-XA",
            "documents": [world.resolution.pk],
            "held_on": "01/01/2025",
            "format": "in_person",
        },
    )
    assert response.status_code == 200 and StudySession.objects.count() == 0
    assert 'data-testid="error-held_on"' in text_of(response)


def test_attendance_is_marked_in_one_form(client, world):
    session = held_session(world)
    login(client, world.tree.commune_office)
    m = world.members
    url = reverse("dissemination:session", args=[session.pk])
    response = client.post(
        url,
        {
            "member": [m["CB1-03"].pk, m["CB2-02"].pk],
            f"st-{m['CB1-03'].pk}": "absent",
            f"st-{m['CB2-02'].pk}": "present",
        },
        follow=True,
    )
    assert "Đã lưu điểm danh: 2 thay đổi." in text_of(response)
    assert Attendance.objects.get(session=session, member=m["CB2-02"]).status == "present"
    assert 'data-testid="present">4<' in text_of(response)


def test_a_viewer_may_not_mark_attendance_and_a_cell_does_not_see_the_communes_session(
    client, world
):
    session = held_session(world)
    login(client, world.cell_reporter)
    assert client.get(reverse("dissemination:session", args=[session.pk])).status_code == 404
    login(client, world.tree.province_viewer)
    m = world.members
    response = client.post(
        reverse("dissemination:session", args=[session.pk]),
        {"member": [m["CB1-03"].pk], f"st-{m['CB1-03'].pk}": "present"},
        follow=True,
    )
    assert response.status_code == 403
    assert "chỉ được xem" in text_of(response)
    assert Attendance.objects.get(session=session, member=m["CB1-03"]).status == ""


def test_invite_and_uninvite_by_codes(client, world):
    session = held_session(world)
    login(client, world.tree.commune_office)
    url = reverse("dissemination:session-invite", args=[session.pk])
    out = client.post(url, {"codes": "CB2-02", "action": "uninvite"}, follow=True)
    assert "Đã bỏ 1 đảng viên khỏi danh sách triệu tập." in text_of(out)
    back = client.post(url, {"codes": "CB2-02", "action": "invite"}, follow=True)
    assert "Đã thêm 1 đảng viên vào danh sách triệu tập." in text_of(back)
    unknown = client.post(url, {"codes": "B-01", "action": "invite"}, follow=True)
    assert "không có đảng viên mang mã B-01" in text_of(unknown)


def test_sessions_of_another_province_are_404(client, world):
    session = held_session(world)
    login(client, world.tree.outsider)
    assert client.get(reverse("dissemination:session", args=[session.pk])).status_code == 404
    assert (
        client.get(reverse("dissemination:attendance-import", args=[session.pk])).status_code == 404
    )


def test_the_attendance_import_lists_bad_rows_then_runs_a_job_with_progress(client, world):
    session = held_session(world)
    login(client, world.tree.commune_office)
    url = reverse("dissemination:attendance-import", args=[session.pk])
    headers = ["Mã đảng viên", "Tình trạng"]

    bad = csv_bytes(headers, [["CB1-01", "Có mặt"], ["XX-99", "Có mặt"], ["CB1-02", "ngủ"]])
    page = text_of(client.post(url, {"file": SimpleUploadedFile("dd.csv", bad)}))
    assert "Có 2 dòng bị lỗi" in page
    assert "Không có đảng viên nào mang mã XX-99." in page
    assert "“ngủ”" in page
    assert ImportJob.objects.count() == 0

    good = csv_bytes(headers, [["CB1-01", "Có mặt"], ["CB1-02", "vắng"]])
    checked = text_of(client.post(url, {"file": SimpleUploadedFile("dd.csv", good)}))
    assert "1 có mặt, 0 vắng có lý do, 1 vắng." in checked
    started = client.post(url, {"step": "apply"})
    job = ImportJob.objects.get()
    assert started["Location"] == reverse("dissemination:job", args=[job.pk])

    progress = client.get(reverse("dissemination:job-progress", args=[job.pk])).json()
    assert {k: progress[k] for k in ("status", "total", "processed", "done", "errors")} == {
        "status": "done",
        "total": 2,
        "processed": 2,
        "done": True,
        "errors": [],
    }
    job_page = text_of(client.get(started["Location"]))
    assert 'data-status="done"' in job_page and 'data-testid="invited">6<' in job_page

    login(client, world.tree.outsider)
    assert client.get(reverse("dissemination:job-progress", args=[job.pk])).status_code == 404


# Essays ----------------------------------------------------------------------------------


def test_bulk_score_entry_writes_every_score_or_none(client, world):
    login(client, world.tree.commune_office)
    url = reverse("dissemination:essays") + f"?org=A-CB1&van-ban={world.resolution.pk}"

    page = text_of(client.get(url))
    assert "CB1-01" in page and "Điểm mới" in page

    bad = client.post(url, {"score-CB1-01": "8", "score-CB1-02": "11"})
    assert "Chưa lưu gì: hãy sửa các dòng báo lỗi màu đỏ." in text_of(bad)
    assert Essay.objects.count() == 0

    good = client.post(url, {"score-CB1-01": "8", "score-CB1-02": "4,5"}, follow=True)
    assert "Đã lưu điểm: 2 bài lần đầu, 0 bài viết lại, 0 không đổi." in text_of(good)
    weak = Essay.objects.get(member__code="CB1-02")
    assert weak.grade == "yeu" and weak.rewrite_required
    assert "phải viết lại" in text_of(good)

    history = text_of(client.get(reverse("dissemination:member", args=["CB1-02"])))
    assert "4,5" in history and "Yếu" in history


def test_the_scores_import_dry_run_lists_a_bad_row(client, world):
    login(client, world.tree.commune_office)
    url = reverse("dissemination:scores-import") + f"?org=A-CB1&van-ban={world.resolution.pk}"
    data = xlsx_bytes(["Mã đảng viên", "Điểm"], [["CB1-01", 9], ["CB1-02", "mười"]])

    page = text_of(client.post(url, {"file": SimpleUploadedFile("diem.xlsx", data)}))

    assert "Có 1 dòng bị lỗi" in page and "“mười”" in page
    good = xlsx_bytes(["Mã đảng viên", "Điểm"], [["CB1-01", 9]])
    assert "Tệp hợp lệ" in text_of(client.post(url, {"file": SimpleUploadedFile("d.xlsx", good)}))
    done = client.post(url, {"step": "apply"}, follow=True)
    assert "Đã nhập điểm: 1 bài lần đầu" in text_of(done)
    assert Essay.objects.get(member__code="CB1-01").grade == "tot"


# Plans, speakers, outreach ---------------------------------------------------------------


def test_a_plan_with_targets_shows_its_units_on_time_or_overdue(client, world):
    held_session(world)
    login(client, world.tree.province_office)
    response = client.post(
        reverse("dissemination:plan-create"),
        {
            "document": world.resolution.pk,
            "owner": "A-TU",
            "kind": "in_depth",
            "due_on": "28/02/2025",
            "target_org_0": "A-XA",
            "target_org_1": "A-VPTU",
            "target_due_1": "15/02/2025",
        },
        follow=True,
    )
    plan = StudyPlan.objects.get()
    page = text_of(response)
    assert "Đã tạo kế hoạch học tập." in page
    assert [(t.organization.code, t.due_on) for t in plan.targets.order_by("due_on")] == [
        ("A-VPTU", D(2025, 2, 15)),
        ("A-XA", D(2025, 2, 28)),
    ]
    assert "đã tổ chức đúng hạn" in page and "chưa tổ chức, quá hạn" in page
    overview = text_of(client.get(reverse("dissemination:home"), {"van-ban": world.resolution.pk}))
    assert "Văn phòng Tỉnh ủy A" in overview.split('id="overdue"')[1].split("</section>")[0]


def test_speakers_are_listed_and_created(client, world):
    login(client, world.tree.province_office)
    response = client.post(
        reverse("dissemination:speaker-create"),
        {"full_name": "Trần Văn Giảng", "title": "Trưởng ban Tuyên giáo", "organization": "A-TU"},
        follow=True,
    )
    assert "Đã lưu báo cáo viên." in text_of(response) and "Trần Văn Giảng" in text_of(response)


def test_outreach_is_recorded_listed_and_deleted(client, world):
    login(client, world.tree.commune_office)
    response = client.post(
        reverse("dissemination:outreach-create"),
        {
            "organization": "A-XA",
            "document": world.resolution.pk,
            "channel": "loudspeaker",
            "count": "3",
            "held_on": "01/03/2025",
            "reach": "500",
        },
        follow=True,
    )
    page = text_of(response)
    assert "Đã ghi nhận hoạt động tuyên truyền." in page and "01/03/2025" in page
    activity = OutreachActivity.objects.get()
    edited = client.post(
        reverse("dissemination:outreach-edit", args=[activity.pk]),
        {"channel": "loudspeaker", "count": "4", "held_on": "02/03/2025", "reach": "650"},
        follow=True,
    )
    assert "Đã lưu hoạt động tuyên truyền." in text_of(edited)
    activity.refresh_from_db()
    assert (activity.count, activity.reach, activity.held_on) == (4, 650, D(2025, 3, 2))
    deleted = client.post(reverse("dissemination:outreach-delete", args=[activity.pk]), follow=True)
    assert "Đã xóa hoạt động tuyên truyền." in text_of(deleted)
    assert OutreachActivity.objects.count() == 0


def test_outreach_of_another_province_cannot_be_deleted(client, world):
    activity = services.outreach_record(
        by=world.tree.commune_office,
        organization=world.tree.xa,
        document=world.resolution,
        channel="radio",
        held_on=D(2025, 3, 1),
    )
    login(client, world.tree.outsider)
    assert (
        client.post(reverse("dissemination:outreach-delete", args=[activity.pk])).status_code == 404
    )


def test_the_menu_links_to_the_study_pages(client, world):
    login(client, world.tree.province_viewer)
    page = text_of(client.get(reverse("dissemination:sessions")))
    assert 'href="/hoc-tap/"' in page and "Hội nghị học tập" in page


def test_every_page_opens_for_the_office_and_reads_for_a_viewer(client, world):
    session = held_session(world)
    plan = services.study_plan_create(
        by=world.tree.province_office,
        document=world.resolution,
        owner=world.tree.tu,
        kind="in_depth",
        due_on=D(2025, 3, 1),
    )
    speaker = services.speaker_create(
        by=world.tree.province_office, full_name="Báo Cáo Viên", organization=world.tree.tu
    )
    doc = world.resolution.pk
    pages = [
        ("dissemination:home", [], {"van-ban": doc}),
        ("dissemination:members", [], {}),
        ("dissemination:member", ["CB1-01"], {}),
        ("dissemination:plans", [], {}),
        ("dissemination:plan", [plan.pk], {}),
        ("dissemination:speakers", [], {}),
        ("dissemination:sessions", [], {"van-ban": doc}),
        ("dissemination:session", [session.pk], {}),
        ("dissemination:outreach", [], {"van-ban": doc}),
    ]
    writes = [
        ("dissemination:member-create", [], {}),
        ("dissemination:member-edit", ["CB1-01"], {}),
        ("dissemination:member-import", [], {}),
        ("dissemination:plan-create", [], {"van-ban": doc}),
        ("dissemination:plan-edit", [plan.pk], {}),
        ("dissemination:speaker-create", [], {}),
        ("dissemination:speaker-edit", [speaker.pk], {}),
        ("dissemination:session-create", [], {"ke-hoach": plan.pk}),
        ("dissemination:attendance-import", [session.pk], {}),
        ("dissemination:essays", [], {"org": "A-CB1", "van-ban": doc}),
        ("dissemination:scores-import", [], {"org": "A-CB1", "van-ban": doc}),
        ("dissemination:outreach-create", [], {}),
    ]
    login(client, world.tree.province_office)
    for name, args, query in pages + writes:
        assert client.get(reverse(name, args=args), query).status_code == 200, name
    for name, args, query in pages:
        export = client.get(reverse(name, args=args), {**query, "export": "xlsx"})
        assert export.status_code == 200, name
    login(client, world.tree.province_viewer)
    for name, args, query in pages:
        assert client.get(reverse(name, args=args), query).status_code == 200, name
    for name, args, query in writes:
        assert client.get(reverse(name, args=args), query).status_code == 403, name


def test_the_office_sets_an_essay_question_for_the_cells_only(client, world):
    login(client, world.tree.commune_office)
    page = client.get("/hoc-tap/cau-hoi/")
    assert "Chưa có câu hỏi nào." in text_of(page)
    cell = Level.objects.get(slug="cell")
    response = client.post(
        "/hoc-tap/cau-hoi/",
        {
            "document": world.resolution.pk,
            "organization": "A-XA",
            "level": cell.pk,
            "text": "Liên hệ trách nhiệm của bản thân trong thực hiện Nghị quyết",
        },
        follow=True,
    )
    text = text_of(response)
    assert "Đã thêm câu hỏi." in text and "Liên hệ trách nhiệm của bản thân" in text
    question = EssayQuestion.objects.get()
    assert (question.organization.code, question.level_id) == ("A-XA", cell.pk)
    empty = client.post(
        "/hoc-tap/cau-hoi/",
        {"document": world.resolution.pk, "organization": "A-XA", "text": " "},
    )
    assert EssayQuestion.objects.count() == 1 and empty.status_code == 200
    login(client, world.tree.outsider)
    assert "Liên hệ trách nhiệm" not in text_of(client.get("/hoc-tap/cau-hoi/"))


def test_the_office_edits_a_sessions_date_and_format_without_touching_its_invitations(
    client, world
):
    session = held_session(world)
    login(client, world.tree.commune_office)
    form = text_of(client.get(f"/hoc-tap/hoi-nghi/{session.pk}/sua/"))
    assert "Hội nghị quán triệt Nghị quyết 05" in form
    response = client.post(
        f"/hoc-tap/hoi-nghi/{session.pk}/sua/",
        {
            "documents": [world.resolution.pk],
            "title": "Hội nghị quán triệt Nghị quyết 05 (trực tuyến)",
            "held_on": "21/02/2025",
            "format": "hybrid",
            "connection_points": "4",
            "connection_point_names": "",
        },
        follow=True,
    )
    assert "Đã lưu hội nghị." in text_of(response)
    session.refresh_from_db()
    assert (session.held_on, session.format, session.connection_points) == (
        D(2025, 2, 21),
        "hybrid",
        4,
    )
    assert session.organizer == world.tree.xa and session.attendance.count() == 6
    login(client, world.tree.outsider)
    assert client.get(f"/hoc-tap/hoi-nghi/{session.pk}/sua/").status_code == 404
