"""Roll-ups over the tree: each subordinate counts its whole subtree; plan follow-up."""

from __future__ import annotations

import datetime as dt

from nqtrack.dissemination import essays, rollups, services, sessions
from nqtrack.dissemination.models import Attendance
from nqtrack.dissemination.services import PlanTarget
from nqtrack.organizations.models import Level
from nqtrack.testing import register

D = dt.date


def mark(world, session, **statuses):
    sessions.attendance_record(
        by=world.tree.province_office,
        session=session,
        marks={world.members[code.replace("_", "-")]: s for code, s in statuses.items()},
    )


def rows(rollup, *keys):
    return {r.key: tuple(r[k] for k in keys) for r in rollup.rows}


def test_study_rollup_counts_distinct_members_per_subordinate_subtree(world):
    tree = world.tree
    province = sessions.study_session_create(
        by=tree.province_office,
        organizer=tree.tu,
        documents=[world.resolution],
        held_on=D(2025, 2, 1),
    )
    cell = sessions.study_session_create(
        by=tree.commune_office,
        organizer=tree.cb,
        documents=[world.resolution],
        held_on=D(2025, 2, 5),
    )
    mark(world, province, CB1_01="present", CB2_01="absent", VP_01="present", XA_01="excused")
    # CB1-01 came twice, CB1-02 came to the cell's session only.
    mark(world, cell, CB1_01="present", CB1_02="present")

    result = rollups.study_rollup(tree.tu, world.resolution)

    assert rows(result, "members", "invited", "attended", "not_studied") == {
        "A-VPTU": (2, 2, 1, 1),
        "A-XA": (6, 6, 2, 4),
    }
    assert (result.total["invited"], result.total["attended"]) == (8, 3)
    xa = next(r for r in result.rows if r.key == "A-XA")
    assert xa.rate("attended", "invited") == 2 / 6

    drill = rollups.study_rollup(tree.xa, world.resolution)
    assert rows(drill, "members", "attended") == {
        "A-XA": (1, 0),  # members registered at the commune itself
        "A-CB1": (3, 2),
        "A-CB2": (2, 0),
    }
    assert [r.own for r in drill.rows] == [True, False, False]
    not_studied = rollups.members_not_studied(tree.xa, world.resolution)
    assert {m.code for m in not_studied} == {"XA-01", "CB1-03", "CB2-01", "CB2-02"}


def test_a_session_on_another_document_does_not_count(world, tree):
    other = sessions.study_session_create(
        by=tree.commune_office,
        organizer=tree.cb,
        documents=[register(tree.province_office, "06-NQ/TU", tree.tu, D(2025, 1, 12))],
        held_on=D(2025, 2, 5),
    )
    Attendance.objects.filter(session=other).update(status="present")
    result = rollups.study_rollup(tree.xa, world.resolution)
    assert result.total["attended"] == 0 and result.total["not_studied"] == 6


def test_essay_rollup_shows_grades_rewrites_and_missing_but_not_exempted_members(world):
    tree = world.tree
    m = world.members
    services.member_update(by=tree.commune_office, member=m["CB1-03"], exemptions=["retired"])
    for code, score in [("CB1-01", "9"), ("CB1-02", "4"), ("CB2-01", "7.5")]:
        essays.essay_grade(
            by=tree.commune_office, member=m[code], document=world.resolution, score=score
        )

    result = rollups.essay_rollup(tree.xa, world.resolution, on=D(2025, 6, 1))

    assert rows(
        result, "members", "mandatory", "written", "tot", "kha", "yeu", "rewrite", "missing"
    ) == {
        "A-XA": (1, 1, 0, 0, 0, 0, 0, 1),
        "A-CB1": (3, 2, 2, 1, 0, 1, 1, 0),
        "A-CB2": (2, 2, 1, 0, 1, 0, 0, 1),
    }
    assert result.total["missing"] == 2
    missing = rollups.members_missing_essay(tree.xa, world.resolution, on=D(2025, 6, 1))
    assert {x.code for x in missing} == {"XA-01", "CB2-02"}
    assert [e.member.code for e in rollups.essays_owing_rewrite(tree.xa, world.resolution)] == [
        "CB1-02"
    ]


def test_outreach_rolls_up_by_channel_and_unit(world):
    tree = world.tree
    for org, channel, count, reach in [
        (tree.cb, "loudspeaker", 4, 300),
        (world.cb2, "loudspeaker", 2, 150),
        (tree.xa, "social_media", 1, 2000),
        (tree.vptu, "portal", 3, 10000),
    ]:
        services.outreach_record(
            by=tree.province_office,
            organization=org,
            document=world.resolution,
            channel=channel,
            held_on=D(2025, 2, 1),
            count=count,
            reach=reach,
        )
    result = rollups.outreach_rollup(tree.tu, document=world.resolution)
    assert rows(result, "times:loudspeaker", "times:social_media", "reach") == {
        "A-VPTU": (0, 0, 10000),
        "A-XA": (6, 1, 2450),
    }
    assert result.total["times"] == 10
    assert rollups.outreach_rollup(tree.tu, start=D(2025, 3, 1)).total["times"] == 0


def test_plan_follow_up_names_the_units_that_have_not_held_their_session(world):
    tree = world.tree
    plan = services.study_plan_create(
        by=tree.province_office,
        document=world.resolution,
        owner=tree.tu,
        kind="in_depth",
        due_on=D(2025, 3, 31),
        targets=[
            PlanTarget(level=Level.objects.get(slug="commune"), due_on=D(2025, 2, 28)),
            PlanTarget(level=Level.objects.get(slug="cell")),
            PlanTarget(organization=tree.vptu, due_on=D(2025, 2, 15)),
        ],
    )
    sessions.study_session_create(
        by=tree.commune_office,
        organizer=tree.xa,
        documents=[world.resolution],
        held_on=D(2025, 2, 20),
    )
    sessions.study_session_create(
        by=tree.commune_office,
        organizer=tree.cb,
        documents=[world.resolution],
        held_on=D(2025, 4, 2),
    )
    units = {u.organization.code: u.state for u in rollups.plan_units(plan, today=D(2025, 4, 10))}
    assert units == {
        "A-VPTU": "overdue",
        "A-XA": "on_time",
        "A-CB1": "late",
        "A-CB2": "overdue",
    }
    early = rollups.plan_units(plan, today=D(2025, 3, 1), root=tree.xa)
    assert {u.organization.code: u.state for u in early} == {
        "A-XA": "on_time",
        "A-CB1": "pending",
        "A-CB2": "pending",
    }
    missing = rollups.units_without_session(plan, today=D(2025, 4, 10))
    assert {u.organization.code for u in missing} == {"A-VPTU", "A-CB2"}


def test_every_level_at_once_gives_each_units_study_rollup(world, client):
    tree = world.tree
    province = sessions.study_session_create(
        by=tree.province_office,
        organizer=tree.tu,
        documents=[world.resolution],
        held_on=D(2025, 2, 1),
    )
    mark(world, province, CB1_01="present", CB2_01="absent", VP_01="present", XA_01="excused")
    every = {r.code: r for r in rollups.study_rollup_every_level(tree.tu, world.resolution)}
    assert list(every)[0] == "A-TU"
    for code, unit in every.items():
        # Each unit's subtree figures equal the total of that unit's own study roll-up.
        org = next(o for o in (tree.tu, tree.xa, tree.cb, tree.vptu, world.cb2) if o.code == code)
        total = rollups.study_rollup(org, world.resolution).total
        assert (unit.members, unit.invited, unit.attended) == (
            total["members"],
            total["invited"],
            total["attended"],
        ), code
    assert (every["A-XA"].invited, every["A-XA"].attended, every["A-XA"].rate) == (6, 1, 1 / 6)
    assert "B-TU" not in every  # another province's members stay out
    client.force_login(tree.province_office)
    body = client.get(
        f"/api/v1/dissemination/rollup-every-level/?org=A-TU&document={world.resolution.pk}"
    ).json()
    units = {u["organization"]: u for u in body["units"]}
    assert units["A-CB1"]["parent"] == "A-XA" and units["A-CB1"]["attended"] == 1
    client.force_login(tree.outsider)
    assert (
        client.get(
            f"/api/v1/dissemination/rollup-every-level/?org=A-TU&document={world.resolution.pk}"
        ).status_code
        == 404
    )
