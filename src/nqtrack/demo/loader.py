"""Loading the demo province through the same services users go through."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from nqtrack.assignments import services as task_services
from nqtrack.assignments.models import Task
from nqtrack.demo import data
from nqtrack.dissemination import essays as study_essays
from nqtrack.dissemination import services as study_services
from nqtrack.dissemination import sessions as study_sessions
from nqtrack.documents import services as document_services
from nqtrack.documents.models import Document, Field
from nqtrack.organizations import services as org_services
from nqtrack.organizations.models import Level, Organization, Role, User
from nqtrack.oversight import services as oversight_services
from nqtrack.reviews import services as review_services


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create the demo organizations, users and documents; returns what was created."""
    for slug, name in data.FIELDS:
        Field.objects.get_or_create(slug=slug, defaults={"name": name})
    levels = {lv.slug: lv for lv in Level.objects.all()}
    orgs: dict[str, Organization] = {}
    for row in data.ORGANIZATIONS:
        orgs[row["code"]] = org_services.organization_create(
            by=None,
            code=row["code"],
            name=row["name"],
            short_name=row["short_name"],
            abbreviation=row["abbreviation"],
            kind=row["kind"],
            level=levels[row["level"]],
            parent=orgs[row["parent"]] if row["parent"] else None,
            valid_from=row.get("valid_from"),
        )
    # History is recorded after the tree exists: a dissolved organization takes no new
    # subordinates, but the demo's dissolved ones had subordinates while they existed.
    for row in data.ORGANIZATIONS:
        if row.get("valid_to") or row.get("successor"):
            org = orgs[row["code"]]
            org.valid_to = row.get("valid_to")
            org.successor = orgs[row["successor"]] if row.get("successor") else None
            org.save(update_fields=["valid_to", "successor"])

    root = User.objects.create_superuser(
        username="admin_demo", password=None, full_name="Quản trị hệ thống"
    )
    root.set_unusable_password()
    root.save(update_fields=["password"])
    users = []
    for row in data.USERS:
        user = User.objects.create_user(
            username=row["username"],
            password=data.DEMO_PASSWORD,
            full_name=row["full_name"],
            organization=orgs[row["organization"]],
            role=Role(row["role"]),
            clearance=row["clearance"],
        )
        users.append(user)

    documents: dict[str, Document] = {}
    for row in data.DOCUMENTS:
        documents[row["symbol"]] = document_services.document_register(
            by=root,
            owner=orgs[row["owner"]],
            issuer=orgs[row["issuer"]],
            symbol=row["symbol"],
            signed_on=row["signed_on"],
            title=row["title"],
            type_name=row["type_name"],
            fields=row["fields"],
            security_level=row["security_level"],
            full_text=row["text"],
            review_overrides=row.get("review_overrides", []),
        )
    for rel in data.RELATIONS:
        document_services.document_relate(
            by=root,
            source=documents[rel["source"]],
            kind=rel["kind"],
            target=documents[rel["target"]],
        )
    offices = {u.organization_id: u for u in users if u.role in (Role.OFFICE, Role.REPORTER)}
    for row in data.TASKS:
        task = task_services.task_create(
            by=root,
            source_document=documents[row["source"]],
            text=row["text"],
            lead=orgs[row["lead"]],
            supporting=[orgs[c] for c in row["supporting"]],
            deadline=row["deadline"],
        )
        reporter = offices.get(task.lead_id, root)
        if row.get("completed_on"):
            Task.objects.filter(pk=task.pk).update(completed_on=row["completed_on"])
        if row.get("extension"):
            reason, proposed = row["extension"]
            task_services.extension_request(
                by=reporter, task=task, reason=reason, proposed_due_on=proposed
            )
    # Reviews in the province's plan for this year and next, and a supervision of a
    # province resolution whose interim review is coming.
    today = timezone.localdate()
    plan = review_services.plan_generate(
        by=root,
        committee=orgs["LC-TU"],
        start=datetime.date(today.year, 1, 1),
        end=datetime.date(today.year + 1, 12, 31),
        lead_body=orgs["LC-VPTU"],
    )
    supervision = oversight_services.round_create(
        by=root,
        kind="supervision",
        title="Giám sát chuyên đề việc thực hiện Nghị quyết số 24-NQ/TU",
        conductor=orgs["LC-UBKTTU"],
        period_start=datetime.date(2025, 9, 1),
        period_end=datetime.date(2025, 10, 31),
        documents=[documents["24-NQ/TU"]],
        targets=[orgs["LC-X-BAOYEN"], orgs["LC-P-YENBAI"]],
    )
    oversight_services.finding_add(
        by=root,
        round=supervision,
        target=orgs["LC-X-BAOYEN"],
        kind="strength",
        text="Ban hành kế hoạch thực hiện kịp thời, phân công rõ người, rõ việc.",
    )
    oversight_services.finding_add(
        by=root,
        round=supervision,
        target=orgs["LC-P-YENBAI"],
        kind="shortcoming",
        text="Chưa tổ chức sơ kết định kỳ; báo cáo còn chung chung, thiếu số liệu.",
        document=documents["24-NQ/TU"],
    )
    study = _demo_study(root, orgs, documents, today)
    return {
        "members": study,
        "reviews": len(plan.created),
        "oversight_rounds": 1,
        "organizations": len(orgs),
        "users": len(users),
        "documents": len(documents),
        "relations": len(data.RELATIONS),
        "tasks": len(data.TASKS),
    }


GIVEN_NAMES = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hoa",
    "Hùng",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Ngọc",
    "Phương",
    "Quân",
    "Sơn",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vân",
    "Yến",
]
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Lý"]


def _demo_study(
    root: User,
    orgs: dict[str, Organization],
    documents: dict[str, Document],
    today: datetime.date,
) -> int:
    """Members of three cells of Yên Bái ward, the province's plan to study Resolution 57,
    the ward's session with attendance, and graded essays (one Yếu owing a rewrite)."""
    document = documents["57-NQ/TW"]
    cells = ["LC-P-YENBAI-CB01", "LC-P-YENBAI-CB02", "LC-P-YENBAI-CB03"]
    members = []
    for n in range(36):
        cell = orgs[cells[n % 3]]
        age = 24 + (n * 7) % 45  # a few are over 60 and need not write
        members.append(
            study_services.member_create(
                by=root,
                code=f"LC-DV{n + 1:04d}",
                full_name=f"{FAMILY_NAMES[n % 10]} Văn {GIVEN_NAMES[n % 24]}"
                if n % 2
                else f"{FAMILY_NAMES[n % 10]} Thị {GIVEN_NAMES[n % 24]}",
                organization=cell,
                birth_date=datetime.date(today.year - age, 1 + n % 12, 1 + n % 28),
                sex="male" if n % 2 else "female",
                exemptions=["ill_health"] if n == 5 else [],
            )
        )
    study_services.study_plan_create(
        by=root,
        document=document,
        owner=orgs["LC-TU"],
        kind="in_depth",
        due_on=datetime.date(2025, 6, 30),
        title="Kế hoạch học tập, quán triệt Nghị quyết số 57-NQ/TW",
        targets=[study_services.PlanTarget(level=orgs["LC-P-YENBAI"].level)],
    )
    session = study_sessions.study_session_create(
        by=root,
        organizer=orgs["LC-P-YENBAI"],
        documents=[document],
        held_on=datetime.date(2025, 9, 12),
        format="hybrid",
        connection_points=3,
        title="Hội nghị quán triệt Nghị quyết số 57-NQ/TW",
    )
    marks = {
        m: ("absent" if i % 9 == 4 else "excused" if i % 11 == 7 else "present")
        for i, m in enumerate(members)
    }
    study_sessions.attendance_record(by=root, session=session, marks=marks)
    for i, member in enumerate(members[:24]):
        score = "4.5" if i == 3 else str(5 + (i * 3) % 50 / 10)
        study_essays.essay_grade(
            by=root,
            member=member,
            document=document,
            score=score,
            graded_on=datetime.date(2025, 10, 1),
        )
    return len(members)
