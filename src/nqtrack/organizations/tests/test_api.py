"""/api/v1/organizations/: referenced by code, scoped, paginated; errors are 400/401/403/404."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token

from nqtrack.organizations import services
from nqtrack.organizations.models import Organization
from nqtrack.organizations.tests.support import looks_vietnamese, table_state
from nqtrack.testing import make_org

URL = "/api/v1/organizations/"

CONTRACT_FIELDS = {
    "code",
    "name",
    "short_name",
    "abbreviation",
    "kind",
    "level",
    "parent",
    "valid_from",
    "valid_to",
    "successor",
}


def detail(code: str) -> str:
    return f"{URL}{code}/"


def new_commune(**overrides) -> dict:
    return {
        "code": "A-XB",
        "name": "Đảng ủy xã B",
        "kind": "committee",
        "level": "commune",
        "parent": "A-TU",
        **overrides,
    }


def result_codes(response) -> set[str]:
    return {row["code"] for row in response.json()["results"]}


# --- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_request_is_answered_401_and_reveals_nothing(api, tree, method):
    before = table_state()

    response = getattr(api, method)(URL, new_commune(), format="json")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")
    assert "results" not in response.json()
    assert table_state() == before


def test_a_token_in_the_authorization_header_authenticates(api, tree):
    token = Token.objects.create(user=tree.commune_office)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.get(detail("A-CB1"))

    assert response.status_code == 200
    assert response.json()["parent"] == "A-XA"


def test_a_wrong_token_is_answered_401(api, tree):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")

    assert api.get(URL).status_code == 401


# --- list and retrieve --------------------------------------------------------------------


def test_the_list_is_paginated_and_ordered_along_the_tree(api, tree):
    api.force_authenticate(tree.province_viewer)

    body = api.get(URL).json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 5
    assert (body["next"], body["previous"]) == (None, None)
    codes = [row["code"] for row in body["results"]]
    assert codes[:2] == ["TW", "A-TU"]
    assert codes.index("A-XA") < codes.index("A-CB1")


def test_page_size_splits_the_list_into_pages(api, tree):
    api.force_authenticate(tree.province_viewer)

    first = api.get(URL, {"page_size": 2}).json()
    last = api.get(URL, {"page_size": 2, "page": 3}).json()

    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert len(last["results"]) == 1
    assert last["next"] is None


def test_a_user_of_another_province_lists_none_of_province_a(api, tree):
    api.force_authenticate(tree.outsider)

    response = api.get(URL)

    assert response.status_code == 200
    assert result_codes(response) == {"TW", "B-TU"}


def test_a_commune_user_lists_its_subtree_and_ancestors_only(api, tree):
    api.force_authenticate(tree.commune_office)

    assert result_codes(api.get(URL)) == {"TW", "A-TU", "A-XA", "A-CB1"}


def test_the_list_filters_by_parent_code_and_level(api, tree):
    api.force_authenticate(tree.province_viewer)

    assert result_codes(api.get(URL, {"parent": "A-TU"})) == {"A-VPTU", "A-XA"}
    assert result_codes(api.get(URL, {"level": "commune"})) == {"A-XA"}


def test_filtering_by_another_provinces_code_lists_nothing(api, tree):
    api.force_authenticate(tree.outsider)

    assert result_codes(api.get(URL, {"parent": "A-TU"})) == set()


@pytest.mark.parametrize("code", ["A-TU", "A-XA", "A-CB1"])
def test_retrieving_an_organization_of_another_subtree_is_not_found(api, tree, code):
    api.force_authenticate(tree.outsider)

    assert api.get(detail(code)).status_code == 404


def test_a_commune_user_cannot_retrieve_a_sibling_of_its_commune(api, tree):
    api.force_authenticate(tree.commune_office)

    assert api.get(detail("A-VPTU")).status_code == 404
    assert api.get(detail("A-TU")).status_code == 200


def test_an_organization_is_described_by_the_contract_fields_with_codes_for_references(api, tree):
    api.force_authenticate(tree.commune_office)

    body = api.get(detail("A-XA")).json()

    assert CONTRACT_FIELDS <= set(body)
    assert {k: body[k] for k in CONTRACT_FIELDS} == {
        "code": "A-XA",
        "name": "Đảng ủy xã A",
        "short_name": "",
        "abbreviation": "ĐU",
        "kind": "committee",
        "level": "commune",
        "parent": "A-TU",
        "valid_from": None,
        "valid_to": None,
        "successor": None,
    }
    assert "path" not in body and "id" not in body


def test_dates_are_iso_and_the_successor_is_a_code(api, tree):
    services.organization_merge(by=None, sources=[tree.vptu], into=tree.xa, on=dt.date(2025, 7, 1))
    api.force_authenticate(tree.province_viewer)

    body = api.get(detail("A-VPTU")).json()

    assert (body["valid_to"], body["successor"]) == ("2025-07-01", "A-XA")
    assert api.get(detail("TW")).json()["parent"] is None


# --- create -------------------------------------------------------------------------------


def test_a_province_admin_creates_an_organization_under_the_province(api, tree):
    api.force_authenticate(tree.province_admin)

    response = api.post(URL, new_commune(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["abbreviation"] == "A-XB"
    assert (body["parent"], body["level"], body["successor"]) == ("A-TU", "commune", None)
    xb = Organization.objects.get(code="A-XB")
    assert xb.path == f"{tree.tu.path}{xb.pk}/"


def test_a_parent_in_another_province_is_refused_like_an_unknown_code(api, tree):
    api.force_authenticate(tree.province_admin)
    before = table_state()

    foreign = api.post(URL, new_commune(parent="B-TU"), format="json")
    unknown = api.post(URL, new_commune(parent="ZZ-TU"), format="json")

    assert foreign.status_code == 400
    assert list(foreign.json()) == ["parent"]
    assert foreign.json()["parent"][0].replace("B-TU", "X") == unknown.json()["parent"][0].replace(
        "ZZ-TU", "X"
    )
    assert table_state() == before


def test_a_province_admin_cannot_create_a_root(api, tree):
    api.force_authenticate(tree.province_admin)
    before = table_state()

    response = api.post(URL, new_commune(parent=None), format="json")

    assert response.status_code == 400
    assert "parent" in response.json()
    assert table_state() == before


def test_office_staff_are_forbidden_to_create_organizations(api, tree):
    api.force_authenticate(tree.province_office)
    before = table_state()

    response = api.post(URL, new_commune(), format="json")

    assert response.status_code == 403
    assert table_state() == before


def test_an_office_staff_attempt_to_create_writes_nothing(api, tree):
    api.force_authenticate(tree.province_office)
    before = table_state()

    response = api.post(URL, new_commune(), format="json")

    assert response.status_code in (400, 403)
    assert table_state() == before


def test_an_unknown_kind_is_a_400_on_kind_and_nothing_is_written(api, tree):
    api.force_authenticate(tree.province_admin)
    before = table_state()

    response = api.post(URL, new_commune(kind="banana"), format="json")

    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["kind"]
    assert isinstance(body["kind"], list) and body["kind"]
    assert table_state() == before


def test_a_duplicate_code_is_a_400_on_code(api, tree):
    api.force_authenticate(tree.province_admin)

    response = api.post(URL, new_commune(code="A-XA"), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["code"]


def test_a_service_rule_breach_becomes_a_400_on_its_field(api, tree):
    api.force_authenticate(tree.province_admin)
    before = table_state()

    response = api.post(
        URL,
        new_commune(valid_from="2025-07-01", valid_to="2025-06-30"),
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["valid_to"]
    assert table_state() == before


def test_error_messages_are_in_english_when_asked(api, tree):
    api.force_authenticate(tree.province_admin)

    response = api.post(URL, new_commune(kind="banana"), format="json", HTTP_ACCEPT_LANGUAGE="en")

    (message,) = response.json()["kind"]
    assert "banana" in message
    assert not looks_vietnamese(message)


def test_error_messages_are_in_vietnamese_when_asked(api, tree):
    api.force_authenticate(tree.province_admin)

    response = api.post(URL, new_commune(kind="banana"), format="json", HTTP_ACCEPT_LANGUAGE="vi")

    (message,) = response.json()["kind"]
    assert "banana" in message
    assert looks_vietnamese(message), message


def test_service_error_messages_are_in_vietnamese_by_default(api, tree):
    api.force_authenticate(tree.province_admin)

    response = api.post(
        URL, new_commune(valid_from="2025-07-01", valid_to="2025-06-30"), format="json"
    )

    (message,) = response.json()["valid_to"]
    assert looks_vietnamese(message), message


# --- update and move ----------------------------------------------------------------------


def test_patching_the_parent_moves_the_organization_and_its_subtree(api, tree):
    api.force_authenticate(tree.province_admin)

    response = api.patch(detail("A-XA"), {"parent": "A-VPTU"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["parent"] == "A-VPTU"
    xa = Organization.objects.get(code="A-XA")
    assert xa.path == f"{tree.vptu.path}{xa.pk}/"
    assert Organization.objects.get(code="A-CB1").path == f"{xa.path}{tree.cb.pk}/"


def test_patching_the_parent_to_a_descendant_is_a_400_on_parent(api, tree):
    api.force_authenticate(tree.province_admin)
    before = table_state()

    response = api.patch(detail("A-XA"), {"parent": "A-CB1"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["parent"]
    assert table_state() == before


def test_a_province_admin_cannot_detach_an_organization_into_a_new_root(api, tree):
    api.force_authenticate(tree.province_admin)
    before = table_state()

    response = api.patch(detail("A-XA"), {"parent": None}, format="json")

    assert response.status_code == 400
    assert "parent" in response.json()
    assert table_state() == before


def test_patching_the_name_updates_it_and_keeps_the_parent(api, tree):
    api.force_authenticate(tree.province_admin)

    response = api.patch(detail("A-XA"), {"name": "Đảng ủy phường A"}, format="json")

    assert response.status_code == 200
    assert Organization.objects.get(code="A-XA").name == "Đảng ủy phường A"
    assert Organization.objects.get(code="A-XA").parent == tree.tu


def test_patching_an_organization_of_another_province_is_not_found(api, tree):
    api.force_authenticate(tree.outsider)
    before = table_state()

    response = api.patch(detail("A-XA"), {"name": "Chiếm quyền"}, format="json")

    assert response.status_code == 404
    assert table_state() == before


def test_a_viewer_cannot_patch_an_organization_of_its_own_province(api, tree):
    api.force_authenticate(tree.province_viewer)
    before = table_state()

    response = api.patch(detail("A-XA"), {"name": "Đổi tên"}, format="json")

    assert response.status_code in (403, 404)
    assert table_state() == before


def test_an_admin_cannot_patch_an_ancestor_it_only_reads(api, tree):
    api.force_authenticate(tree.province_admin)

    assert api.patch(detail("TW"), {"name": "Đổi tên"}, format="json").status_code == 404
    assert Organization.objects.get(code="TW").name == "Ban Chấp hành Trung ương"


def test_codes_with_dots_are_addressable(api, tree):
    make_org("A-XA.1", tree.xa, "grassroots")
    api.force_authenticate(tree.commune_office)

    assert api.get(detail("A-XA.1")).json()["parent"] == "A-XA"


def test_an_admin_can_put_back_its_own_organization_with_the_parent_unchanged(api, tree):
    api.force_authenticate(tree.province_admin)
    body = api.get(detail("A-TU")).json()
    body["name"] = "Tỉnh ủy A (khóa mới)"

    response = api.put(detail("A-TU"), body, format="json")

    assert response.status_code == 200, response.json()
    assert Organization.objects.get(code="A-TU").name == "Tỉnh ủy A (khóa mới)"
    assert Organization.objects.get(code="A-TU").parent == tree.tw


def test_a_get_then_put_round_trip_of_a_subordinate_succeeds(api, tree):
    api.force_authenticate(tree.province_admin)
    body = api.get(detail("A-XA")).json()
    body["short_name"] = "ĐU xã A"

    response = api.put(detail("A-XA"), body, format="json")

    assert response.status_code == 200, response.json()
    assert Organization.objects.get(code="A-XA").short_name == "ĐU xã A"
    assert Organization.objects.get(code="A-XA").path == tree.xa.path


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_dissolved_organization_cannot_receive_new_subordinates(api, tree, method):
    services.organization_merge(by=None, sources=[tree.vptu], into=tree.xa, on=dt.date(2025, 7, 1))
    api.force_authenticate(tree.province_admin)
    before = table_state()

    if method == "post":
        response = api.post(URL, new_commune(parent="A-VPTU"), format="json")
    else:
        response = api.patch(detail("A-CB1"), {"parent": "A-VPTU"}, format="json")

    assert response.status_code == 400
    assert "parent" in response.json()
    assert table_state() == before


def test_the_list_keeps_its_query_count_flat_as_the_tree_grows(
    api, tree, django_assert_max_num_queries
):
    for i in range(30):
        make_org(f"A-X{i:02}", tree.tu, "commune")
    api.force_authenticate(tree.province_viewer)

    with django_assert_max_num_queries(4):
        response = api.get(URL, {"page_size": 100})

    assert response.json()["count"] == 35


def test_the_openapi_schema_describes_the_contract_fields(api, tree):
    api.force_authenticate(tree.province_viewer)

    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert "/api/v1/organizations/{code}/" in schema["paths"]
    assert CONTRACT_FIELDS <= set(schema["components"]["schemas"]["Organization"]["properties"])
