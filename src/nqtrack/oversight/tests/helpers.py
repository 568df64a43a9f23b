"""An oversight world over the test tree: the province's inspection commission (A-UBKT), a
resolution under supervision, a conclusion notice, and a second commune (A-XB)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nqtrack.documents.models import Document
from nqtrack.organizations.models import Organization
from nqtrack.oversight import services
from nqtrack.oversight.models import FindingKind, OversightRound, RoundKind, TeamRole
from nqtrack.testing import Tree, make_org, register

D = dt.date
# 10:00 in Hanoi on 15/09/2026: after the round's period, before the plans are due.
NOW = dt.datetime(2026, 9, 15, 3, 0, tzinfo=dt.UTC)


@dataclass
class World:
    tree: Tree
    ubkt: Organization
    xb: Organization
    resolution: Document
    directive: Document
    notice: Document
    round: OversightRound


def build_world(tree: Tree) -> World:
    ubkt = make_org(
        "A-UBKT",
        tree.tu,
        "province",
        kind="advisory_body",
        abbreviation="UBKTTU",
        name="Ủy ban Kiểm tra Tỉnh ủy A",
    )
    xb = make_org("A-XB", tree.tu, "commune", abbreviation="ĐU", name="Đảng ủy xã B")
    office = tree.province_office
    resolution = register(office, "10-NQ/TU", tree.tu, D(2023, 9, 1), "về chuyển đổi số")
    directive = register(office, "05-CT/TU", tree.tu, D(2024, 3, 1), "về cải cách hành chính")
    notice = register(office, "30-TB/TU", tree.tu, D(2026, 8, 20), "kết luận giám sát")
    rnd = services.round_create(
        by=office,
        kind=RoundKind.SUPERVISION,
        title="Giám sát chuyên đề việc thực hiện Nghị quyết 10 và Chỉ thị 05",
        conductor=ubkt,
        period_start=D(2026, 6, 1),
        period_end=D(2026, 7, 31),
        documents=[resolution, directive],
        targets=[tree.xa, xb],
        team=[
            services.Member(name="Nguyễn Văn An", post="Phó Chủ nhiệm UBKT", role=TeamRole.LEADER),
            services.Member(name="Trần Thị Bình", role=TeamRole.SECRETARY),
        ],
        remediation_due_on=D(2026, 10, 1),
    )
    return World(tree, ubkt, xb, resolution, directive, notice, rnd)


def conclude(world: World) -> OversightRound:
    """Findings at both communes (a shortcoming at A-XA only) and the conclusion notice."""
    office = world.tree.province_office
    services.finding_add(
        by=office,
        round=world.round,
        target=world.tree.xa,
        kind=FindingKind.SHORTCOMING,
        text="Chưa xây dựng kế hoạch chuyển đổi số",
        document=world.resolution,
    )
    services.finding_add(
        by=office,
        round=world.round,
        target=world.xb,
        kind=FindingKind.STRENGTH,
        text="Quán triệt kịp thời",
    )
    return services.round_set_conclusion(by=office, round=world.round, conclusion=world.notice)
