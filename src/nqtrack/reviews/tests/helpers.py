"""A province resolution with an interim review due, tasks below, a programme required."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nqtrack.assignments import services as task_services
from nqtrack.assignments.models import Task
from nqtrack.documents.models import Document, ReviewMilestone
from nqtrack.organizations.models import Organization
from nqtrack.reviews import services
from nqtrack.reviews.models import Review
from nqtrack.testing import Tree, make_org, register

D = dt.date
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
TODAY = D(2026, 11, 22)


@dataclass
class World:
    tree: Tree
    xb: Organization
    resolution: Document
    programme: Document
    milestone: ReviewMilestone
    review: Review
    tasks: list[Task]


def build_world(tree: Tree) -> World:
    xb = make_org("A-XB", tree.tu, "commune", abbreviation="ĐU", name="Đảng ủy xã B")
    resolution = register(
        tree.province_office,
        "05-NQ/TU",
        tree.tu,
        D(2024, 1, 10),
        title="về chuyển đổi số tỉnh A đến năm 2030",
    )
    programme = register(tree.province_office, "12-CTr/TU", tree.tu, D(2024, 3, 1))
    from nqtrack.documents import services as document_services

    document_services.document_relate(
        by=tree.province_office, source=programme, kind="implements", target=resolution
    )
    tasks = [
        task_services.task_create(
            by=tree.province_office,
            source_document=resolution,
            text="Xây dựng đề án",
            lead=tree.xa,
            due_on=D(2025, 6, 30),
        ),
        task_services.task_create(
            by=tree.province_office,
            source_document=programme,
            text="Số hóa hồ sơ",
            lead=tree.cb,
            due_on=D(2027, 6, 30),
        ),
        task_services.task_create(
            by=tree.province_office,
            source_document=resolution,
            text="Tổng hợp",
            lead=tree.vptu,
            due_on=D(2026, 3, 31),
        ),
    ]
    task_services.programme_require(
        by=tree.province_office, document=resolution, organizations=[xb], due_on=D(2024, 4, 30)
    )
    milestone = resolution.milestones.get(kind="interim")
    review = services.review_create(
        by=tree.province_office, milestone=milestone, committee=tree.tu, lead_body=tree.vptu
    )
    return World(tree, xb, resolution, programme, milestone, review, tasks)
