"""A reporting round over the test tree: four units expected, tasks led by each, reporters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from nqtrack.assignments import services as task_services
from nqtrack.assignments.models import Task
from nqtrack.documents.models import Document
from nqtrack.organizations.models import Organization, Role, User
from nqtrack.reporting import services
from nqtrack.reporting.models import ReportingRound
from nqtrack.testing import Tree, UserFactory, make_org, register

D = dt.date
UTC = dt.UTC
# 10:00 in Hanoi, five days before the round's reports are due.
BEFORE_DUE = dt.datetime(2026, 7, 5, 3, 0, tzinfo=UTC)
AFTER_DUE = dt.datetime(2026, 7, 13, 3, 0, tzinfo=UTC)


@dataclass
class World:
    tree: Tree
    xb: Organization
    round: ReportingRound
    tasks: dict[str, list[Task]]  # by unit code
    reporters: dict[str, User]  # by unit code


def assign(tree: Tree, lead: Organization, text: str, *, notice: Document, **kwargs: Any) -> Task:
    return task_services.task_create(
        by=tree.province_office, source_document=notice, text=text, lead=lead, **kwargs
    )


def build_world(tree: Tree) -> World:
    xb = make_org("A-XB", tree.tu, "commune", abbreviation="ĐU", name="Đảng ủy xã B")
    notice = register(tree.province_office, "15-TB/TU", tree.tu, D(2025, 10, 1))
    units = [tree.vptu, tree.xa, xb, tree.cb]
    tasks = {
        unit.code: [
            assign(tree, unit, f"Việc {n} của {unit.code}", notice=notice, due_on=D(2026, 9, 30))
            for n in (1, 2)
        ]
        for unit in units
    }
    reporters = {
        unit.code: UserFactory(
            username=f"bc_{unit.code.lower()}", organization=unit, role=Role.REPORTER
        )
        for unit in units
    }
    rnd = services.round_create(
        by=tree.province_office,
        owner=tree.tu,
        title="Báo cáo tự rà soát 6 tháng đầu năm 2026",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 6, 30),
        due_on=D(2026, 7, 10),
        expected=units,
    )
    return World(tree=tree, xb=xb, round=rnd, tasks=tasks, reporters=reporters)


def answers(world: World, code: str, *, leave_out: int = 0) -> list[tuple[Task, str, str]]:
    """Answers to every open task of the unit but the last `leave_out`."""
    tasks = world.tasks[code]
    return [(t, "in_progress", f"Đã triển khai {t.text}") for t in tasks[: len(tasks) - leave_out]]
