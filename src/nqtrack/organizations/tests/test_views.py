"""Catalogue pages: browse within the user's tree; only administrators change it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nqtrack.organizations import services
from nqtrack.organizations.models import Level, Organization
from nqtrack.organizations.tests.support import csv_bytes, table_state, xlsx_bytes
from nqtrack.testing import make_org


def url(name: str, code: str | None = None) -> str:
    return reverse(f"organizations:{name}", kwargs={"code": code} if code else None)


def fresh(org: Organization) -> Organization:
    return Organization.objects.get(pk=org.pk)


def logged_in(client, user):
    client.force_login(user)
    return client


def listed_codes(response) -> set[str]:
    return {org.code for org, _depth in response.context["rows"]}


# --- browsing -----------------------------------------------------------------------------


def test_the_tree_page_requires_a_login(client, tree):
    response = client.get(url("tree"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_tree_page_lists_the_users_visible_organizations_only(client, tree):
    response = logged_in(client, tree.commune_office).get(url("tree"))

    assert response.status_code == 200
    assert listed_codes(response) == {"TW", "A-TU", "A-XA", "A-CB1"}
    content = response.content.decode()
    assert "Chi bộ thôn 1" in content
    assert url("detail", "B-TU") not in content
    assert url("detail", "A-VPTU") not in content


def test_the_tree_page_of_another_province_shows_nothing_of_province_a(client, tree):
    response = logged_in(client, tree.outsider).get(url("tree"))

    assert listed_codes(response) == {"TW", "B-TU"}
    assert "Đảng ủy xã A" not in response.content.decode()


def test_the_tree_page_hides_dissolved_organizations_unless_asked(client, tree):
    services.organization_merge(by=None, sources=[tree.vptu], into=tree.xa, on=dt.date(2025, 7, 1))
    client = logged_in(client, tree.province_viewer)

    assert "A-VPTU" not in listed_codes(client.get(url("tree")))
    assert "A-VPTU" in listed_codes(client.get(url("tree"), {"dissolved": "1"}))


def test_the_tree_page_search_stays_within_the_users_tree(client, tree):
    response = logged_in(client, tree.commune_office).get(url("tree"), {"q": "Tỉnh ủy"})

    assert listed_codes(response) == {"A-TU"}


def test_the_detail_page_of_a_visible_organization_shows_its_children(client, tree):
    response = logged_in(client, tree.province_viewer).get(url("detail", "A-XA"))

    assert response.status_code == 200
    assert [c.code for c in response.context["children"]] == ["A-CB1"]
    assert response.context["can_manage"] is False


@pytest.mark.parametrize("code", ["A-TU", "A-XA", "A-CB1", "NO-SUCH-CODE"])
def test_the_detail_page_of_an_organization_in_another_province_is_not_found(client, tree, code):
    assert logged_in(client, tree.outsider).get(url("detail", code)).status_code == 404


def test_an_admin_sees_the_change_buttons_on_an_organization_it_manages(client, tree):
    client = logged_in(client, tree.province_admin)

    assert client.get(url("detail", "A-XA")).context["can_manage"] is True
    assert client.get(url("detail", "TW")).context["can_manage"] is False


# --- create -------------------------------------------------------------------------------


def create_form(**overrides) -> dict:
    return {
        "code": "A-XB",
        "name": "Đảng ủy xã B",
        "short_name": "",
        "abbreviation": "ĐU",
        "kind": "committee",
        "level": Level.objects.get(slug="commune").pk,
        "valid_from": "01/07/2025",
        **overrides,
    }


def test_an_admin_creates_an_organization_from_the_form(client, tree):
    client = logged_in(client, tree.province_admin)
    assert client.get(url("create"), {"parent": "A-TU"}).status_code == 200

    response = client.post(url("create"), create_form(parent=tree.tu.pk))

    assert response.status_code == 302
    assert response.url == url("detail", "A-XB")
    xb = Organization.objects.get(code="A-XB")
    assert (xb.parent, xb.abbreviation, xb.valid_from) == (tree.tu, "ĐU", dt.date(2025, 7, 1))
    assert xb.path == f"{tree.tu.path}{xb.pk}/"


def test_the_create_form_refuses_a_parent_from_another_province(client, tree):
    client = logged_in(client, tree.province_admin)
    before = table_state()

    response = client.post(url("create"), create_form(parent=tree.tu2.pk))

    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert table_state() == before


def test_the_create_form_shows_a_duplicate_code_on_the_code_field(client, tree):
    client = logged_in(client, tree.province_admin)
    before = table_state()

    response = client.post(url("create"), create_form(code="A-XA", parent=tree.tu.pk))

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert table_state() == before


def test_the_create_page_preselecting_a_foreign_parent_is_not_found(client, tree):
    response = logged_in(client, tree.province_admin).get(url("create"), {"parent": "B-TU"})

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["province_viewer", "province_office", "commune_office"])
def test_a_non_admin_is_forbidden_to_create(client, tree, who):
    client = logged_in(client, getattr(tree, who))
    before = table_state()

    assert client.get(url("create")).status_code == 403
    assert client.post(url("create"), create_form(parent=tree.tu.pk)).status_code == 403
    assert table_state() == before


# --- edit, move, merge --------------------------------------------------------------------


def edit_form(**overrides) -> dict:
    return {
        "code": "A-XA",
        "name": "Đảng ủy phường A",
        "short_name": "",
        "abbreviation": "ĐU",
        "kind": "committee",
        "level": Level.objects.get(slug="commune").pk,
        "valid_from": "",
        **overrides,
    }


def test_an_admin_edits_an_organization(client, tree):
    client = logged_in(client, tree.province_admin)
    assert client.get(url("edit", "A-XA")).status_code == 200

    response = client.post(url("edit", "A-XA"), edit_form())

    assert response.status_code == 302
    assert fresh(tree.xa).name == "Đảng ủy phường A"
    assert fresh(tree.xa).parent == tree.tu


def test_an_admin_cannot_edit_an_organization_of_another_province(client, tree):
    client = logged_in(client, tree.province_admin)

    response = client.post(url("edit", "B-TU"), edit_form(code="B-TU", name="Chiếm quyền"))

    assert response.status_code == 404
    assert fresh(tree.tu2).name == "Tỉnh ủy B"


def test_an_admin_moves_an_organization_and_its_subtree(client, tree):
    client = logged_in(client, tree.province_admin)
    assert client.get(url("move", "A-XA")).status_code == 200

    response = client.post(url("move", "A-XA"), {"parent": tree.vptu.pk})

    assert response.status_code == 302
    xa = fresh(tree.xa)
    assert xa.parent == tree.vptu
    assert fresh(tree.cb).path == f"{xa.path}{tree.cb.pk}/"


def test_the_move_form_does_not_offer_the_organizations_own_subtree(client, tree):
    client = logged_in(client, tree.province_admin)
    before = table_state()

    response = client.post(url("move", "A-XA"), {"parent": tree.cb.pk})

    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert table_state() == before


def test_an_admin_merges_an_organization_with_a_date_written_dd_mm_yyyy(client, tree):
    client = logged_in(client, tree.province_admin)
    assert client.get(url("merge", "A-XA")).status_code == 200

    response = client.post(
        url("merge", "A-XA"), {"into": tree.vptu.pk, "on": "01/07/2025", "move_children": "on"}
    )

    assert response.status_code == 302
    assert response.url == url("detail", "A-XA")
    xa = fresh(tree.xa)
    assert (xa.valid_to, xa.successor) == (dt.date(2025, 7, 1), tree.vptu)
    assert fresh(tree.cb).parent == tree.vptu


def test_a_merge_dated_before_the_organization_existed_is_shown_on_the_form(client, tree):
    services.organization_update(by=None, organization=tree.xa, valid_from=dt.date(2025, 7, 1))
    client = logged_in(client, tree.province_admin)
    before = table_state()

    response = client.post(url("merge", "A-XA"), {"into": tree.vptu.pk, "on": "30/06/2025"})

    assert response.status_code == 200
    assert "on" in response.context["form"].errors
    assert table_state() == before


def test_a_merge_into_an_organization_of_another_province_is_refused(client, tree):
    client = logged_in(client, tree.province_admin)
    before = table_state()

    response = client.post(url("merge", "A-XA"), {"into": tree.tu2.pk, "on": "01/07/2025"})

    assert response.status_code == 200
    assert "into" in response.context["form"].errors
    assert table_state() == before


@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("edit", {"name": "Đổi tên"}),
        ("move", {"parent": "VPTU"}),
        ("merge", {"into": "VPTU", "on": "01/07/2025"}),
    ],
)
@pytest.mark.parametrize("who", ["province_viewer", "province_office"])
def test_a_non_admin_is_forbidden_to_change_an_organization(client, tree, page, data, who):
    data = {k: (tree.vptu.pk if v == "VPTU" else v) for k, v in data.items()}
    client = logged_in(client, getattr(tree, who))
    before = table_state()

    assert client.get(url(page, "A-XA")).status_code == 403
    assert client.post(url(page, "A-XA"), data).status_code == 403
    assert table_state() == before


@pytest.mark.parametrize("page", ["edit", "move", "merge"])
def test_an_admin_of_another_province_gets_not_found_on_change_pages(client, tree, page):
    admin_b = type(tree.outsider).objects.create(
        username="tinhkhac_qt", organization=tree.tu2, role="admin"
    )

    assert logged_in(client, admin_b).get(url(page, "A-XA")).status_code == 404


# --- import -------------------------------------------------------------------------------

GOOD_ROWS = [
    ["A-CB2", "Chi bộ thôn 2", "A-XB", "cell", "cell", "CB"],
    ["A-XB", "Đảng ủy xã B", "A-TU", "committee", "commune", "ĐU"],
]


def upload(data: bytes, name: str = "to-chuc.xlsx") -> dict:
    return {"file": SimpleUploadedFile(name, data)}


def test_uploading_a_bad_file_shows_each_bad_line_and_writes_nothing(client, tree, media_root):
    client = logged_in(client, tree.province_admin)
    rows = [
        GOOD_ROWS[1],
        ["A-XC", "Đảng ủy xã C", "B-TU", "committee", "commune", "ĐU"],
        ["A-XD", "", "A-TU", "banana", "commune", "ĐU"],
    ]
    before = table_state()

    response = client.post(url("import"), upload(xlsx_bytes(rows)))

    assert response.status_code == 200
    report = response.context["report"]
    assert [(r.line, r.code) for r in report.bad_rows] == [(3, "A-XC"), (4, "A-XD")]
    content = response.content.decode()
    assert "<td>3</td><td>A-XC</td>" in content
    assert "<td>4</td><td>A-XD</td>" in content
    assert 'name="step" value="apply"' not in content
    assert "org_import" not in client.session
    assert table_state() == before


def test_uploading_a_text_file_shows_a_file_error(client, tree, media_root):
    client = logged_in(client, tree.province_admin)

    response = client.post(url("import"), upload(csv_bytes(GOOD_ROWS), "to-chuc.txt"))

    assert response.status_code == 200
    assert response.context["report"].file_errors
    assert "org_import" not in client.session


def test_a_checked_file_is_applied_in_a_second_step(client, tree, media_root):
    client = logged_in(client, tree.province_admin)
    before = table_state()

    checked = client.post(url("import"), upload(csv_bytes(GOOD_ROWS, delimiter=";"), "a.csv"))

    assert checked.status_code == 200
    assert checked.context["report"].ok
    assert 'name="step" value="apply"' in checked.content.decode()
    assert table_state() == before

    applied = client.post(url("import"), {"step": "apply"})

    assert applied.status_code == 302
    assert applied.url == url("tree")
    xb = Organization.objects.get(code="A-XB")
    assert xb.parent == tree.tu
    assert Organization.objects.get(code="A-CB2").parent == xb
    assert "org_import" not in client.session
    assert list((media_root / "imports").iterdir()) == []


def test_applying_without_a_checked_file_sends_back_to_the_upload(client, tree, media_root):
    client = logged_in(client, tree.province_admin)
    before = table_state()

    response = client.post(url("import"), {"step": "apply"})

    assert response.status_code == 302
    assert response.url == url("import")
    assert table_state() == before


def test_a_file_that_moves_a_commune_under_its_own_cell_is_stopped_by_the_dry_run(
    client, tree, media_root
):
    client = logged_in(client, tree.province_admin)
    data = xlsx_bytes([["A-XA", "Đảng ủy xã A", "A-CB1", "committee", "commune", "ĐU"]])
    before = table_state()

    checked = client.post(url("import"), upload(data))
    applied = client.post(url("import"), {"step": "apply"})

    assert [r.line for r in checked.context["report"].bad_rows] == [2]
    assert applied.status_code == 302  # nothing checked and valid to apply
    assert table_state() == before


@pytest.mark.parametrize("who", ["province_viewer", "province_office", "outsider"])
def test_a_non_admin_is_forbidden_to_import(client, tree, media_root, who):
    client = logged_in(client, getattr(tree, who))
    before = table_state()

    assert client.get(url("import")).status_code == 403
    assert client.post(url("import"), upload(xlsx_bytes(GOOD_ROWS))).status_code == 403
    assert table_state() == before


def test_the_tree_page_keeps_its_query_count_flat_as_the_tree_grows(
    client, tree, django_assert_max_num_queries
):
    for i in range(15):
        make_org(f"A-X{i:02}", tree.tu, "commune")
    client = logged_in(client, tree.province_viewer)

    with django_assert_max_num_queries(8):
        response = client.get(url("tree"))

    assert len(response.context["rows"]) == 20
