"""Who sees which part of the tree, and who may change it."""

from __future__ import annotations

import pytest
from django.http import Http404

from nqtrack.organizations.selectors import (
    access_managed_organization_by_code,
    access_organization_by_code,
    organizations_managed_by,
    organizations_visible_to,
    subtree,
)
from nqtrack.testing import UserFactory


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_a_commune_user_sees_its_subtree_and_its_ancestors_but_not_siblings(tree):
    assert codes(organizations_visible_to(tree.commune_office)) == {
        "TW",
        "A-TU",
        "A-XA",
        "A-CB1",
    }


def test_a_province_user_sees_the_whole_province_and_the_centre_but_not_another_province(tree):
    visible = codes(organizations_visible_to(tree.province_viewer))

    assert visible == {"TW", "A-TU", "A-VPTU", "A-XA", "A-CB1"}
    assert "B-TU" not in visible


def test_a_user_of_another_province_sees_none_of_province_a(tree):
    assert codes(organizations_visible_to(tree.outsider)) == {"TW", "B-TU"}


def test_a_user_without_an_organization_sees_nothing(tree):
    assert codes(organizations_visible_to(UserFactory(organization=None))) == set()


def test_a_superuser_sees_every_organization(tree):
    root = UserFactory(organization=None, is_superuser=True)

    assert codes(organizations_visible_to(root)) == {
        "TW",
        "A-TU",
        "A-VPTU",
        "A-XA",
        "A-CB1",
        "B-TU",
    }


def test_only_administrators_manage_organizations_and_only_in_their_subtree(tree):
    assert codes(organizations_managed_by(tree.province_admin)) == {
        "A-TU",
        "A-VPTU",
        "A-XA",
        "A-CB1",
    }
    for user in (tree.province_office, tree.province_viewer, tree.commune_office, tree.outsider):
        assert codes(organizations_managed_by(user)) == set(), user.username


def test_access_by_code_returns_an_ancestor_the_user_may_read(tree):
    assert access_organization_by_code(tree.commune_office, "A-TU") == tree.tu


@pytest.mark.parametrize("code", ["A-XA", "A-CB1", "A-TU", "NO-SUCH-CODE"])
def test_access_by_code_answers_not_found_outside_the_users_tree(tree, code):
    with pytest.raises(Http404):
        access_organization_by_code(tree.outsider, code)


def test_access_by_code_hides_a_sibling_from_a_commune_user(tree):
    with pytest.raises(Http404):
        access_organization_by_code(tree.commune_office, "A-VPTU")


def test_managed_access_refuses_an_organization_that_is_only_visible(tree):
    assert access_managed_organization_by_code(tree.province_admin, "A-XA") == tree.xa
    with pytest.raises(Http404):
        access_managed_organization_by_code(tree.province_admin, "TW")
    with pytest.raises(Http404):
        access_managed_organization_by_code(tree.province_office, "A-XA")


def test_subtree_can_leave_out_the_organization_itself(tree):
    assert codes(subtree(tree.xa)) == {"A-XA", "A-CB1"}
    assert codes(subtree(tree.xa, include_self=False)) == {"A-CB1"}
