"""Folded-text search and closeness in subject."""

from __future__ import annotations

import datetime as dt

import pytest

from nqtrack.core.text import fold, fold_words
from nqtrack.documents import selectors
from nqtrack.documents.similarity import closeness
from nqtrack.testing import register

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nghị quyết", "nghi quyet"),
        ("ĐẢNG VIÊN", "dang vien"),
        ("hoà", "hoa"),
        ("hòa", "hoa"),
        ("Thượng khẩn", "thuong khan"),
        ("Quy định", "quy dinh"),
        ("Ủy ban", "uy ban"),
    ],
)
def test_folding_strips_marks_case_and_maps_d(text, folded):
    assert fold(text) == folded


def test_fold_words_pads_and_separates_symbols():
    assert fold_words("Số 57-NQ/TW, ngày 22/12/2024") == " so 57 nq tw ngay 22 12 2024 "


@pytest.fixture
def library(tree):
    office = tree.province_office
    return [
        register(
            office,
            "57-NQ/TW",
            tree.tw,
            D(2024, 12, 22),
            owner=tree.tu,
            type_name="Nghị quyết",
            title="về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển "
            "đổi số quốc gia",
        ),
        register(
            office,
            "157-KH/TU",
            tree.tu,
            D(2023, 1, 2),
            type_name="Kế hoạch",
            title="về công tác phát triển đảng viên",
        ),
        register(
            office,
            "21-NQ/TW",
            tree.tw,
            D(2022, 6, 16),
            owner=tree.tu,
            type_name="Nghị quyết",
            title="về tăng cường củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất "
            "lượng đội ngũ đảng viên trong giai đoạn mới",
        ),
        register(
            office,
            "05-CT/TW",
            tree.tw,
            D(2016, 5, 15),
            owner=tree.tu,
            type_name="Chỉ thị",
            title="về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            full_text="Các chi bộ hòa nhập sinh hoạt chuyên đề hằng quý.",
        ),
    ]


def found(user, query: str) -> list[str]:
    return [
        d.symbol
        for d in selectors.document_search(selectors.documents_visible_to(user), query).order_by(
            "-search_rank", "-signed_on"
        )
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nghi quyet 57", ["57-NQ/TW"]),
        ("Nghị quyết 57", ["57-NQ/TW"]),
        ("57-NQ/TW", ["57-NQ/TW"]),
        ("157", ["157-KH/TU"]),
        ("chuyen doi so", ["57-NQ/TW"]),
        ("ho chi minh", ["05-CT/TW"]),
        ("HOÀ NHẬP", ["05-CT/TW"]),  # the other tone placement, in the full text
        ("khong co gi", []),
    ],
)
def test_search_ignores_diacritics_and_case_and_matches_whole_numbers(
    tree, library, query, expected
):
    assert found(tree.province_office, query) == expected


def test_dang_vien_finds_dang_vien_and_ranks_the_exact_phrase_first(tree, library):
    assert set(found(tree.province_office, "dang vien")) == {"157-KH/TU", "21-NQ/TW"}
    assert found(tree.province_office, "đảng viên")[0] == "157-KH/TU"  # exact title match


def test_the_api_searches_with_q_and_filters(tree, library):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(tree.province_office)
    body = client.get("/api/v1/documents/", {"q": "nghi quyet 57"}).json()
    assert [d["symbol"] for d in body["results"]] == ["57-NQ/TW"]
    body = client.get("/api/v1/documents/", {"issuer": "TW", "year": 2016}).json()
    assert [d["symbol"] for d in body["results"]] == ["05-CT/TW"]
    body = client.get("/api/v1/documents/", {"doc_type": "NQ", "ordering": "signed_on"}).json()
    assert [d["symbol"] for d in body["results"]] == ["21-NQ/TW", "57-NQ/TW"]


def test_closeness_is_high_for_near_repeats_and_low_for_other_subjects():
    a = "về tăng cường củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đảng viên"
    b = "về củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đội ngũ đảng viên"
    c = "về phát triển du lịch bền vững"
    assert closeness(a, "", b, "") > 0.6
    assert closeness(a, "", c, "") < 0.1


def test_a_provincial_document_repeating_a_central_one_is_flagged_as_a_lower_level_repeat(
    tree, library
):
    close = selectors.similar_documents(
        tree.province_office,
        issuer=tree.tu,
        title="về củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đảng viên",
    )
    assert close[0].document.symbol == "21-NQ/TW"
    assert close[0].higher_level is True
    assert all(c.document.symbol != "05-CT/TW" for c in close)


def test_similar_documents_never_show_what_the_user_may_not_see(tree, library):
    close = selectors.similar_documents(
        tree.outsider,
        issuer=tree.tu2,
        title="về củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đảng viên",
    )
    assert close == []
