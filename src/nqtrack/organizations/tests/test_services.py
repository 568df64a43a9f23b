"""Writes to the tree: create, update, move and merge keep paths consistent and are audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from nqtrack.core.models import AuditEvent
from nqtrack.organizations import services
from nqtrack.organizations.models import Level, Organization
from nqtrack.organizations.tests.support import table_state
from nqtrack.testing import make_org

D = dt.date


def fresh(org: Organization) -> Organization:
    return Organization.objects.get(pk=org.pk)


def events(org: Organization, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="organization", object_id=str(org.pk), action=action
        ).order_by("id")
    )


def create(by, code: str, parent: Organization | None, **kwargs) -> Organization:
    return services.organization_create(
        by=by,
        code=code,
        name=kwargs.pop("name", f"Tổ chức {code}"),
        kind=kwargs.pop("kind", "committee"),
        level=Level.objects.get(slug=kwargs.pop("level", "commune")),
        parent=parent,
        **kwargs,
    )


# --- create -------------------------------------------------------------------------------


def test_creating_an_organization_computes_its_path_and_depth_below_the_parent(tree):
    org = create(tree.province_admin, "A-XB", tree.tu)

    stored = fresh(org)
    assert stored.path == f"{tree.tu.path}{org.pk}/"
    assert stored.path == f"/{tree.tw.pk}/{tree.tu.pk}/{org.pk}/"
    assert stored.depth == 2
    assert stored.parent == tree.tu


def test_a_root_organization_has_depth_zero_and_a_one_step_path(db):
    org = create(None, "ROOT", None, level="central")

    assert fresh(org).path == f"/{org.pk}/"
    assert fresh(org).depth == 0


def test_creating_an_organization_records_a_create_event_with_its_fields(tree):
    org = create(tree.province_admin, "A-XB", tree.tu, name="Đảng ủy xã B", abbreviation="ĐU")

    (event,) = events(org, "create")
    assert event.actor == tree.province_admin
    assert event.organization == org
    assert event.changes["code"] == [None, "A-XB"]
    assert event.changes["name"] == [None, "Đảng ủy xã B"]
    assert event.changes["abbreviation"] == [None, "ĐU"]
    assert event.changes["parent"] == [None, "Tỉnh ủy A"]


def test_the_abbreviation_defaults_to_the_code_and_values_are_trimmed(tree):
    org = create(tree.province_admin, "  A-XB ", tree.tu, name="  Đảng ủy xã B  ")

    stored = fresh(org)
    assert (stored.code, stored.name, stored.abbreviation) == ("A-XB", "Đảng ủy xã B", "A-XB")


def test_a_duplicate_code_is_refused_on_the_code_field_and_nothing_is_written(tree):
    before = table_state()

    with pytest.raises(ValidationError) as caught:
        create(tree.province_admin, "A-XA", tree.tu, name="Một xã khác")

    assert list(caught.value.message_dict) == ["code"]
    (message,) = caught.value.message_dict["code"]
    assert "A-XA" in message
    assert table_state() == before


def test_an_empty_name_and_an_unknown_kind_are_reported_together(tree):
    before = table_state()

    with pytest.raises(ValidationError) as caught:
        create(tree.province_admin, "A-XB", tree.tu, name="   ", kind="banana")

    assert set(caught.value.message_dict) == {"name", "kind"}
    assert table_state() == before


def test_a_validity_that_ends_before_it_starts_is_refused(tree):
    with pytest.raises(ValidationError) as caught:
        create(
            tree.province_admin, "A-XB", tree.tu, valid_from=D(2025, 7, 1), valid_to=D(2025, 6, 30)
        )

    assert list(caught.value.message_dict) == ["valid_to"]
    assert not Organization.objects.filter(code="A-XB").exists()


# --- update -------------------------------------------------------------------------------


def test_updating_audits_only_the_fields_that_changed(tree):
    services.organization_update(
        by=tree.province_admin,
        organization=tree.xa,
        code="A-XA",
        name="Đảng ủy phường A",
        short_name="",
        abbreviation="ĐU",
        kind="committee",
        level=Level.objects.get(slug="commune"),
        valid_from=D(2025, 7, 1),
    )

    (event,) = events(tree.xa, "update")
    assert event.actor == tree.province_admin
    assert event.changes == {
        "name": ["Đảng ủy xã A", "Đảng ủy phường A"],
        "valid_from": [None, "2025-07-01"],
    }
    assert fresh(tree.xa).name == "Đảng ủy phường A"


def test_an_update_that_changes_nothing_records_no_event(tree):
    services.organization_update(by=tree.province_admin, organization=tree.xa, name="Đảng ủy xã A")

    assert events(tree.xa, "update") == []


def test_clearing_the_abbreviation_falls_back_to_the_code(tree):
    services.organization_update(by=tree.province_admin, organization=tree.xa, abbreviation="")

    assert fresh(tree.xa).abbreviation == "A-XA"


def test_an_update_to_a_taken_code_writes_nothing(tree):
    before = table_state()

    with pytest.raises(ValidationError) as caught:
        services.organization_update(
            by=tree.province_admin, organization=tree.xa, code="A-VPTU", name="Đổi tên"
        )

    assert "code" in caught.value.message_dict
    assert table_state() == before


def test_the_parent_cannot_be_changed_by_an_update(tree):
    with pytest.raises(ValueError, match="parent"):
        services.organization_update(by=None, organization=tree.xa, parent=tree.vptu)

    assert fresh(tree.xa).parent == tree.tu


# --- move ---------------------------------------------------------------------------------


def test_moving_repaths_the_whole_subtree_down_to_the_grandchildren(tree):
    hamlet = make_org("A-TO1", tree.cb, "cell", kind="other")

    services.organization_move(by=tree.province_admin, organization=tree.xa, new_parent=tree.vptu)

    xa, cb, to1 = fresh(tree.xa), fresh(tree.cb), fresh(hamlet)
    assert xa.parent == tree.vptu
    assert xa.path == f"{tree.vptu.path}{xa.pk}/"
    assert cb.path == f"{xa.path}{cb.pk}/"
    assert to1.path == f"{cb.path}{to1.pk}/"
    assert (xa.depth, cb.depth, to1.depth) == (3, 4, 5)
    assert fresh(tree.vptu).path == tree.vptu.path


def test_moving_does_not_touch_an_organization_whose_id_merely_shares_a_prefix(tree):
    # Paths end with "/", so "/1/2/" must not match "/1/23/": keep that property pinned.
    others = [make_org(f"A-X{i}", tree.tu, "commune") for i in range(12)]
    before = {o.pk: fresh(o).path for o in others}

    services.organization_move(by=None, organization=tree.vptu, new_parent=tree.xa)

    assert {o.pk: fresh(o).path for o in others} == before
    assert fresh(tree.cb).path == f"{tree.xa.path}{tree.cb.pk}/"


def test_moving_under_one_of_its_own_descendants_is_refused_and_nothing_changes(tree):
    before = table_state()

    with pytest.raises(ValidationError) as caught:
        services.organization_move(by=None, organization=tree.xa, new_parent=tree.cb)

    assert list(caught.value.message_dict) == ["parent"]
    assert table_state() == before


def test_moving_under_itself_is_refused(tree):
    with pytest.raises(ValidationError) as caught:
        services.organization_move(by=None, organization=tree.xa, new_parent=tree.xa)

    assert list(caught.value.message_dict) == ["parent"]
    assert fresh(tree.xa).parent == tree.tu


def test_moving_records_a_move_event_with_the_old_and_new_parent(tree):
    services.organization_move(by=tree.province_admin, organization=tree.cb, new_parent=tree.vptu)

    (event,) = events(tree.cb, "move")
    assert event.actor == tree.province_admin
    assert event.changes == {"parent": ["Đảng ủy xã A", "Văn phòng Tỉnh ủy A"]}


# --- merge --------------------------------------------------------------------------------


def test_merging_dissolves_the_source_on_the_date_and_names_the_successor(tree):
    services.organization_merge(
        by=tree.province_admin, sources=[tree.vptu], into=tree.xa, on=D(2025, 7, 1)
    )

    vptu = fresh(tree.vptu)
    assert vptu.valid_to == D(2025, 7, 1)
    assert vptu.successor == tree.xa
    assert not vptu.is_active
    assert fresh(tree.xa).valid_to is None


def test_merging_moves_active_children_under_the_successor_with_their_subtrees(tree):
    hamlet = make_org("A-TO1", tree.cb, "cell", kind="other")
    old_cell = make_org("A-CB0", tree.xa, "cell", kind="cell")
    services.organization_merge(by=None, sources=[old_cell], into=tree.vptu, on=D(2024, 1, 1))

    services.organization_merge(by=None, sources=[tree.xa], into=tree.vptu, on=D(2025, 7, 1))

    cb, to1, cb0 = fresh(tree.cb), fresh(hamlet), fresh(old_cell)
    assert cb.parent == tree.vptu
    assert cb.path == f"{tree.vptu.path}{cb.pk}/"
    assert to1.path == f"{cb.path}{to1.pk}/"
    assert (cb.depth, to1.depth) == (3, 4)
    # A child dissolved earlier keeps its place in the history of the source.
    assert cb0.parent == tree.xa


def test_merging_without_moving_children_leaves_them_under_the_dissolved_source(tree):
    services.organization_merge(
        by=None, sources=[tree.xa], into=tree.vptu, on=D(2025, 7, 1), move_children=False
    )

    assert fresh(tree.cb).parent == tree.xa
    assert fresh(tree.xa).valid_to == D(2025, 7, 1)


def test_merging_several_sources_dissolves_each_of_them(tree):
    xb = make_org("A-XB", tree.tu, "commune")

    services.organization_merge(by=None, sources=[tree.xa, xb], into=tree.vptu, on=D(2025, 7, 1))

    for org in (tree.xa, xb):
        assert (fresh(org).valid_to, fresh(org).successor) == (D(2025, 7, 1), tree.vptu)


@pytest.mark.parametrize(
    ("source", "into", "field"),
    [
        ("xa", "xa", "into"),  # into itself
        ("xa", "cb", "into"),  # into its own subordinate
        ("tu", "cb", "into"),  # into a grandchild
    ],
)
def test_merging_into_itself_or_a_descendant_is_refused(tree, source, into, field):
    before = table_state()

    with pytest.raises(ValidationError) as caught:
        services.organization_merge(
            by=None, sources=[getattr(tree, source)], into=getattr(tree, into), on=D(2025, 7, 1)
        )

    assert list(caught.value.message_dict) == [field]
    assert table_state() == before


def test_merging_an_already_dissolved_organization_is_refused(tree):
    services.organization_merge(by=None, sources=[tree.vptu], into=tree.xa, on=D(2024, 1, 1))
    before = table_state()

    with pytest.raises(ValidationError) as caught:
        services.organization_merge(
            by=None, sources=[fresh(tree.vptu)], into=tree.tu2, on=D(2025, 7, 1)
        )

    assert list(caught.value.message_dict) == ["sources"]
    assert "01/01/2024" in caught.value.message_dict["sources"][0]
    assert fresh(tree.vptu).successor == tree.xa
    assert table_state() == before


def test_a_merge_dated_before_the_source_existed_is_refused(tree):
    xb = create(None, "A-XB", tree.tu, valid_from=D(2025, 7, 1))

    with pytest.raises(ValidationError) as caught:
        services.organization_merge(by=None, sources=[xb], into=tree.xa, on=D(2025, 6, 30))

    assert list(caught.value.message_dict) == ["on"]
    assert fresh(xb).valid_to is None


def test_merging_nothing_is_refused(tree):
    with pytest.raises(ValidationError) as caught:
        services.organization_merge(by=None, sources=[], into=tree.xa, on=D(2025, 7, 1))

    assert list(caught.value.message_dict) == ["sources"]


def test_merging_records_a_merge_event_and_a_move_event_per_moved_child(tree):
    services.organization_merge(
        by=tree.province_admin, sources=[tree.xa], into=tree.vptu, on=D(2025, 7, 1)
    )

    (merge,) = events(tree.xa, "merge")
    assert merge.actor == tree.province_admin
    assert merge.changes == {
        "valid_to": [None, "2025-07-01"],
        "successor": [None, "Văn phòng Tỉnh ủy A"],
    }
    (move,) = events(tree.cb, "move")
    assert move.changes == {"parent": ["Đảng ủy xã A", "Văn phòng Tỉnh ủy A"]}
