"""Oversight rounds without HTTP: validation, scoping, findings, remediation → tasks,
verification, and the closing rule."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from nqtrack.assignments.models import Task
from nqtrack.assignments.selectors import status_of as task_status
from nqtrack.core.models import AuditEvent
from nqtrack.core.tests import samples
from nqtrack.oversight import services
from nqtrack.oversight.models import (
    Finding,
    FindingKind,
    OversightRound,
    RemediationItem,
    RoundKind,
    Verification,
)
from nqtrack.oversight.selectors import (
    closing_blockers,
    rounds_visible_to,
    status_of,
    target_plans,
    with_status,
)
from nqtrack.oversight.tests.helpers import NOW, D, build_world, conclude
from nqtrack.testing import UserFactory, register

pytestmark = pytest.mark.django_db
NO_DOCUMENT = "Không tìm thấy văn bản này, hoặc bạn không có quyền xem văn bản này."


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False), translation.override("vi"):
        yield


@pytest.fixture
def world(tree):
    return build_world(tree)


def plan(world, target=None, *texts):
    return services.remediation_add(
        by=world.tree.province_office,
        round=world.round,
        target=target or world.tree.xa,
        items=[
            services.RemediationDraft(text=t, deadline="trong quý IV/2026")
            for t in (texts or ("Ban hành kế hoạch chuyển đổi số",))
        ],
    )


def round_args(world, **changes):
    args = {
        "by": world.tree.province_office,
        "kind": RoundKind.INSPECTION,
        "title": "Kiểm tra việc thực hiện Nghị quyết 10",
        "conductor": world.ubkt,
        "period_start": D(2026, 6, 1),
        "period_end": D(2026, 6, 30),
        "documents": [world.resolution],
        "targets": [world.tree.xa],
    }
    return {**args, **changes}


def test_an_integrated_round_covers_several_documents_and_its_creation_is_audited(world):
    rnd = world.round
    assert sorted(rnd.documents.values_list("symbol", flat=True)) == ["05-CT/TU", "10-NQ/TU"]
    assert sorted(rnd.targets.values_list("code", flat=True)) == ["A-XA", "A-XB"]
    assert [m.role for m in rnd.team.all()] == ["leader", "secretary"]
    event = AuditEvent.objects.get(object_type="oversightround", action="create")
    assert event.changes["targets"] == [None, ["A-XA", "A-XB"]]
    assert event.organization == world.ubkt


def test_the_inspection_commission_may_target_its_committees_subtree_but_not_outside(world):
    # A-UBKT is an advisory body of A-TU: the communes of A-TU are within reach, B-TU is not.
    with pytest.raises(ValidationError) as exc:
        services.round_create(**round_args(world, targets=[world.tree.xa, world.tree.tu2]))
    assert "Tỉnh ủy B" in exc.value.message_dict["targets"][0]
    # Nor the committee it serves, nor itself.
    for target in (world.tree.tu, world.ubkt):
        with pytest.raises(ValidationError) as exc:
            services.round_create(**round_args(world, targets=[target]))
        assert "targets" in exc.value.message_dict
    # A commune committee conducts rounds only within its own subtree.
    rnd = services.round_create(
        **round_args(
            world,
            by=world.tree.commune_office,
            conductor=world.tree.xa,
            targets=[world.tree.cb],
        )
    )
    assert list(rnd.targets.all()) == [world.tree.cb]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "   "}, "title", "Hãy đặt tên cho đợt giám sát, kiểm tra."),
        (
            {"period_end": D(2026, 5, 1)},
            "period_end",
            "Ngày kết thúc kỳ không thể trước ngày bắt đầu.",
        ),
        ({"documents": []}, "documents", "Hãy chọn các văn bản mà đợt"),
        ({"targets": []}, "targets", "Hãy chọn các tổ chức"),
        ({"kind": "audit"}, "kind", "Hãy chọn loại đợt."),
        (
            {"remediation_due_on": D(2026, 5, 1)},
            "remediation_due_on",
            "Hạn nộp kế hoạch khắc phục",
        ),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(world, changes, field, message):
    before = (OversightRound.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.round_create(**round_args(world, **changes))
    assert exc.value.message_dict[field][0].startswith(message)
    assert (OversightRound.objects.count(), AuditEvent.objects.count()) == before


def test_a_document_the_user_may_not_see_cannot_be_covered(world):
    secret = register(
        world.tree.province_admin, "11-NQ/TU", world.tree.tu, D(2024, 1, 5), security_level="secret"
    )
    commune_doc = world.resolution  # visible to the commune (ancestor's registry)
    with pytest.raises(ValidationError) as exc:
        services.round_create(
            **round_args(
                world,
                by=world.tree.commune_office,
                conductor=world.tree.xa,
                targets=[world.tree.cb],
                documents=[commune_doc, secret],
            )
        )
    assert exc.value.message_dict["documents"] == [NO_DOCUMENT]


def test_viewers_and_outsiders_may_not_run_rounds(world):
    for user in (world.tree.province_viewer, world.tree.outsider, world.tree.commune_office):
        with pytest.raises(PermissionDenied):
            services.round_create(**round_args(world, by=user))
        with pytest.raises(PermissionDenied):
            services.finding_add(
                by=user, round=world.round, target=world.tree.xa, kind="strength", text="Tốt"
            )


def test_rounds_are_seen_by_the_conductors_subtree_and_by_their_targets_only(world):
    t = world.tree
    assert list(rounds_visible_to(t.province_viewer)) == [world.round]
    assert list(rounds_visible_to(t.commune_office)) == [world.round]  # A-XA is a target
    assert list(rounds_visible_to(t.outsider)) == []
    cell_user = UserFactory(organization=t.cb)
    assert list(rounds_visible_to(cell_user)) == []


def test_a_finding_concerns_one_of_the_rounds_documents_at_one_of_its_targets(world):
    other = register(world.tree.province_office, "07-CT/TU", world.tree.tu, D(2024, 5, 1))
    office = world.tree.province_office
    with pytest.raises(ValidationError) as exc:
        services.finding_add(
            by=office,
            round=world.round,
            target=world.tree.xa,
            kind=FindingKind.VIOLATION,
            text="Vi phạm quy chế",
            document=other,
        )
    assert "07-CT/TU" in exc.value.message_dict["document"][0]
    with pytest.raises(ValidationError) as exc:
        services.finding_add(
            by=office, round=world.round, target=world.tree.cb, kind="strength", text="Tốt"
        )
    assert "không phải là đối tượng" in exc.value.message_dict["target"][0]
    assert not Finding.objects.exists()


def test_remediation_needs_the_conclusion_notice_first(world):
    with pytest.raises(ValidationError) as exc:
        plan(world)
    assert "thông báo kết luận" in " ".join(exc.value.messages)
    assert not Task.objects.exists()


def test_a_remediation_plan_becomes_tasks_led_by_the_target_from_the_conclusion(world):
    conclude(world)
    items = plan(world, None, "Ban hành kế hoạch chuyển đổi số", "Kiểm điểm tập thể")
    assert len(items) == 2
    task = items[0].task
    assert task.lead == world.tree.xa
    assert task.assigned_by == world.ubkt
    assert task.source_document == world.notice
    assert task.due_on == D(2026, 12, 31)
    assert status_of(OversightRound.objects.get(), today=D(2026, 9, 15)) == "awaiting_remediation"
    assert AuditEvent.objects.filter(action="remediation").count() == 1


def test_a_bad_item_refuses_the_whole_plan(world):
    conclude(world)
    world.xb.valid_to = D(2026, 9, 1)  # dissolved after the round started
    world.xb.save()
    with pytest.raises(ValidationError) as exc:
        services.remediation_add(
            by=world.tree.province_office,
            round=world.round,
            target=world.tree.xa,
            items=[
                services.RemediationDraft(text="Việc một"),
                services.RemediationDraft(text="   "),
            ],
        )
    assert exc.value.message_dict["items"][0].startswith("Mục 2:")
    assert not Task.objects.exists() and not RemediationItem.objects.exists()


def test_the_round_closes_only_when_every_item_is_verified_done_or_carried_over(world):
    office = world.tree.province_office
    with pytest.raises(ValidationError) as exc:
        services.round_close(by=office, round=world.round)
    assert "Chưa gắn thông báo kết luận" in " ".join(exc.value.messages)
    conclude(world)
    with pytest.raises(ValidationError) as exc:  # A-XA has a shortcoming and no plan
        services.round_close(by=office, round=world.round)
    assert "Đảng ủy xã A có hạn chế hoặc vi phạm nhưng chưa có kế hoạch khắc phục." in (
        exc.value.messages
    )
    first, second = plan(world, None, "Ban hành kế hoạch", "Kiểm điểm tập thể")
    services.remediation_verify(by=office, item=first, done=False, comment="Chưa ban hành")
    with pytest.raises(ValidationError) as exc:
        services.round_close(by=office, round=world.round)
    messages = exc.value.messages
    assert messages[0] == "Chưa thể kết thúc đợt:"
    assert any("“Ban hành kế hoạch” được xác nhận là chưa hoàn thành" in m for m in messages)
    assert any("“Kiểm điểm tập thể” chưa được xác nhận" in m for m in messages)
    assert OversightRound.objects.get().closed_at is None

    services.remediation_verify(by=office, item=first, done=True, evidence="Kế hoạch số 12-KH/ĐU")
    services.remediation_carry_over(by=office, item=second, reason="Chuyển sang kỳ kiểm tra sau")
    world.round.refresh_from_db()
    assert closing_blockers(world.round) == []
    rnd = services.round_close(by=office, round=world.round)
    assert rnd.closed_at is not None
    assert status_of(rnd, today=D(2026, 9, 15)) == "closed"
    assert with_status(OversightRound.objects.all(), today=D(2026, 9, 15)).get().status == "closed"


def test_verifying_done_completes_the_task_and_not_done_reopens_it(world):
    conclude(world)
    (item,) = plan(world)
    office = world.tree.province_office
    services.remediation_verify(by=office, item=item, done=True, comment="Đạt")
    item.refresh_from_db()
    item.task.refresh_from_db()
    assert item.verification == Verification.DONE
    assert item.task.completed_on == D(2026, 9, 15)
    assert task_status(item.task, today=D(2026, 9, 15)) == "done_on_time"
    services.remediation_verify(by=office, item=item, done=False, comment="Còn thiếu phụ lục")
    item.refresh_from_db()
    item.task.refresh_from_db()
    assert item.verification == Verification.NOT_DONE
    assert item.task.completed_on is None
    verdicts = AuditEvent.objects.filter(action="verify", object_id=str(item.pk))
    assert verdicts.count() == 2


def test_not_done_needs_a_comment_and_carrying_over_a_reason(world):
    conclude(world)
    (item,) = plan(world)
    office = world.tree.province_office
    with pytest.raises(ValidationError) as exc:
        services.remediation_verify(by=office, item=item, done=False)
    assert exc.value.message_dict == {"comment": ["Hãy nêu những gì còn thiếu."]}
    with pytest.raises(ValidationError):
        services.remediation_carry_over(by=office, item=item, reason=" ")
    item.refresh_from_db()
    assert item.verification == Verification.PENDING


def test_evidence_files_are_checked_and_stored_on_the_task(world):
    conclude(world)
    (item,) = plan(world)
    office = world.tree.province_office
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        services.remediation_verify(by=office, item=item, done=True, files=[bad])
    item.refresh_from_db()
    item.task.refresh_from_db()
    assert item.verification == Verification.PENDING and item.task.completed_on is None
    pdf = SimpleUploadedFile("bien-ban.pdf", samples.pdf_bytes(), content_type="application/pdf")
    services.remediation_verify(by=office, item=item, done=True, files=[pdf])
    assert [f.original_name for f in item.files.all()] == ["bien-ban.pdf"]
    assert item.files.get().task == item.task


def test_a_closed_round_is_read_only_until_the_office_reopens_it(world):
    office = world.tree.province_office
    services.round_set_conclusion(by=office, round=world.round, conclusion=world.notice)
    services.round_close(by=office, round=world.round)
    with pytest.raises(ValidationError) as exc:
        services.finding_add(
            by=office, round=world.round, target=world.tree.xa, kind="strength", text="Tốt"
        )
    assert exc.value.messages == ["Đợt đã kết thúc; hãy mở lại trước."]
    with pytest.raises(ValidationError):
        services.round_reopen(by=office, round=world.round, reason="")
    with pytest.raises(PermissionDenied):
        services.round_reopen(by=world.tree.province_viewer, round=world.round, reason="Sửa")
    rnd = services.round_reopen(by=office, round=world.round, reason="Bổ sung phát hiện")
    assert rnd.closed_at is None
    event = AuditEvent.objects.get(action="reopen", object_type="oversightround")
    assert event.changes["reason"] == [None, "Bổ sung phát hiện"]


def test_the_conclusion_must_be_visible_and_cannot_change_once_tasks_come_from_it(world):
    office = world.tree.province_office
    other_province = register(world.tree.outsider, "31-TB/TU", world.tree.tu2, D(2026, 8, 25))
    with pytest.raises(ValidationError) as exc:
        services.round_set_conclusion(by=office, round=world.round, conclusion=other_province)
    assert exc.value.message_dict == {"conclusion": [NO_DOCUMENT]}
    too_early = register(office, "01-TB/TU", world.tree.tu, D(2026, 1, 5))
    with pytest.raises(ValidationError):
        services.round_set_conclusion(by=office, round=world.round, conclusion=too_early)
    conclude(world)
    plan(world)
    later = register(office, "32-TB/TU", world.tree.tu, D(2026, 9, 1))
    with pytest.raises(ValidationError) as exc:
        services.round_set_conclusion(by=office, round=world.round, conclusion=later)
    assert "conclusion" in exc.value.message_dict
    assert OversightRound.objects.get().conclusion == world.notice


def test_updating_keeps_what_findings_rest_on(world):
    conclude(world)
    args = round_args(
        world,
        kind=world.round.kind,
        title="Tên mới",
        period_start=world.round.period_start,
        period_end=world.round.period_end,
        documents=[world.directive],
        targets=[world.tree.xa, world.xb],
        conclusion=world.notice,
    )
    with pytest.raises(ValidationError) as exc:
        services.round_update(round=world.round, **args)
    assert "10-NQ/TU" in exc.value.message_dict["documents"][0]
    with pytest.raises(ValidationError) as exc:
        services.round_update(
            round=world.round, **{**args, "documents": [world.resolution], "targets": [world.xb]}
        )
    assert "Đảng ủy xã A" in exc.value.message_dict["targets"][0]
    rnd = services.round_update(round=world.round, **{**args, "documents": [world.resolution]})
    assert rnd.title == "Tên mới"
    assert list(rnd.documents.all()) == [world.resolution]
    assert AuditEvent.objects.filter(action="update", object_type="oversightround").count() == 2


def test_a_sub_unit_user_cannot_be_added_from_another_province(world):
    stranger = UserFactory(organization=world.tree.tu2)
    with pytest.raises(ValidationError) as exc:
        services.round_create(
            **round_args(
                world, team=[services.Member(name="Người lạ", role="member", user=stranger)]
            )
        )
    assert "team" in exc.value.message_dict


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_plan_failing_on_its_last_item_leaves_no_task_behind_even_when_committed(tree):
    world = build_world(tree)
    conclude(world)
    with pytest.raises(ValidationError):
        services.remediation_add(
            by=world.tree.province_office,
            round=world.round,
            target=world.tree.xa,
            items=[
                services.RemediationDraft(text="Việc một", due_on=D(2026, 12, 1)),
                services.RemediationDraft(text="Việc hai", supporting=[world.tree.xa]),
            ],
        )
    assert not Task.objects.exists()
    assert not RemediationItem.objects.exists()
    assert not AuditEvent.objects.filter(action="remediation").exists()


def test_a_target_with_a_shortcoming_owes_a_plan_and_is_late_after_the_due_date(world):
    conclude(world)
    rows = {row.target.code: row for row in target_plans(world.round, today=D(2026, 10, 1))}
    assert rows["A-XA"].needs_plan and not rows["A-XA"].plan_overdue  # due today
    assert not rows["A-XB"].needs_plan  # strengths only
    late = {row.target.code: row for row in target_plans(world.round, today=D(2026, 10, 2))}
    assert late["A-XA"].plan_overdue and not late["A-XB"].plan_overdue
    plan(world)
    done = {row.target.code: row for row in target_plans(world.round, today=D(2026, 10, 2))}
    assert not done["A-XA"].plan_overdue and done["A-XA"].items == 1
