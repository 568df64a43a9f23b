"""The search index: whole words only, every word required, kept in step with the documents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from nqtrack.documents import search, selectors, services
from nqtrack.documents.models import Document
from nqtrack.testing import register

D = dt.date
pytestmark = pytest.mark.django_db


def found(user, query: str) -> list[str]:
    qs = selectors.document_search(selectors.documents_visible_to(user), query)
    return [d.symbol for d in qs.order_by("-search_rank", "-signed_on")]


@pytest.fixture
def plans(tree):
    office = tree.province_office
    return {
        "hoa": register(
            office,
            "51-NQ/TU",
            tree.tu,
            D(2024, 3, 1),
            type_name="Nghị quyết",
            title="về hòa giải ở cơ sở",
        ),
        "hoach": register(
            office,
            "512-KH/TU",
            tree.tu,
            D(2024, 4, 1),
            type_name="Kế hoạch",
            title="về quy hoạch cán bộ lãnh đạo",
        ),
    }


def test_a_number_does_not_find_a_longer_number(tree, plans):
    assert found(tree.province_office, "51") == ["51-NQ/TU"]
    assert found(tree.province_office, "512") == ["512-KH/TU"]


def test_a_syllable_does_not_find_a_longer_syllable(tree, plans):
    assert found(tree.province_office, "hoà") == ["51-NQ/TU"]
    assert found(tree.province_office, "hoạch") == ["512-KH/TU"]
    assert found(tree.province_office, "hoa") == ["51-NQ/TU"]


def test_every_word_of_the_query_must_match(tree, plans):
    assert found(tree.province_office, "kế hoạch cán bộ") == ["512-KH/TU"]
    assert found(tree.province_office, "hòa giải cán bộ") == []
    assert found(tree.province_office, "ke hoach") == ["512-KH/TU"]


def test_a_symbol_is_found_whole_and_by_its_parts(tree, plans):
    assert found(tree.province_office, "512-KH/TU") == ["512-KH/TU"]
    assert found(tree.province_office, "nq/tu 51") == ["51-NQ/TU"]


def test_the_exact_title_ranks_before_a_phrase_and_a_phrase_before_scattered_words(tree):
    office = tree.province_office
    register(office, "01-NQ/TU", tree.tu, D(2024, 1, 1), title="về số hóa chuyển đổi hồ sơ")
    register(office, "02-NQ/TU", tree.tu, D(2023, 1, 1), title="về chuyen doi so cấp xã")
    register(office, "03-NQ/TU", tree.tu, D(2022, 1, 1), title="về chuyển đổi số cấp xã")
    assert found(office, "chuyển đổi số") == ["03-NQ/TU", "02-NQ/TU", "01-NQ/TU"]


def test_the_index_follows_edits_and_deletes(tree, plans):
    office = tree.province_office
    doc = plans["hoa"]
    services.document_update(by=office, document=doc, title="về công tác dân vận")
    assert found(office, "hoà giải") == []
    assert found(office, "dân vận") == ["51-NQ/TU"]
    services.document_delete(by=office, document=Document.objects.get(pk=doc.pk))
    assert found(office, "dân vận") == []
    assert found(office, "quy hoạch") == ["512-KH/TU"]


def test_search_never_shows_what_the_user_may_not_see(tree, plans):
    assert found(tree.outsider, "hoà giải") == []


def test_rebuilding_the_index_keeps_the_same_answers(tree, plans):
    search.build_index(connection)
    assert found(tree.province_office, "quy hoạch") == ["512-KH/TU"]
    assert found(tree.province_office, "hoà") == ["51-NQ/TU"]


def test_the_query_uses_the_index(tree, plans):
    qs = selectors.document_search(Document.objects.all(), "quy hoạch")
    sql = str(qs.query)
    if connection.vendor == "postgresql":
        assert '"search_vector" @@ plainto_tsquery' in sql
    else:
        assert f"{search.FTS_TABLE} MATCH" in sql


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 triggers are SQLite's")
def test_rebuild_counts_finds_and_repairs_a_lost_trigger(tree, plans):
    from nqtrack.core.tallies import check_all

    assert all(d.clean for d in check_all(fix=False, only=["search_index"]))
    with connection.cursor() as cursor:  # as Django's table rebuild on SQLite would
        for name in search.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    register(tree.province_office, "77-KH/TU", tree.tu, D(2024, 5, 1), title="về dân vận khéo")
    assert found(tree.province_office, "dân vận khéo") == []
    (drift,) = check_all(fix=True, only=["search_index"])
    assert drift.missing == 3 and drift.wrong == 1
    assert found(tree.province_office, "dân vận khéo") == ["77-KH/TU"]
    assert all(d.clean for d in check_all(fix=False, only=["search_index"]))
