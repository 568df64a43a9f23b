"""Registering, changing and relating documents: the rules users meet, without HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from nqtrack.core.models import AuditEvent
from nqtrack.documents import services
from nqtrack.documents.models import Document, DocumentStatus, ReviewRule
from nqtrack.testing import register

D = dt.date
pytestmark = pytest.mark.django_db


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_registering_parses_the_symbol_and_computes_the_province_schedule(tree):
    doc = register(
        tree.province_office,
        "Số: 5 - NQ/TU",
        tree.tu,
        D(2024, 2, 29),
        title="về  phát triển   du lịch",
    )
    assert (doc.symbol, doc.number, doc.doc_type) == ("05-NQ/TU", 5, "NQ")
    assert doc.title == "về phát triển du lịch"
    assert [(m.kind, m.due_on, m.plan_due_on) for m in doc.milestones.all()] == [
        ("interim", D(2027, 2, 28), D(2026, 12, 28)),
        ("final", D(2029, 2, 28), D(2028, 12, 28)),
    ]


def test_a_central_directive_follows_the_central_rule(tree):
    doc = register(tree.province_office, "05-CT/TW", tree.tw, D(2016, 5, 15), owner=tree.tu)
    assert [m.due_on for m in doc.milestones.all()] == [D(2021, 5, 15), D(2026, 5, 15)]


def test_the_printed_type_name_wins_over_the_code(tree):
    doc = register(
        tree.province_office,
        "22-QĐ/TW",
        tree.tw,
        D(2021, 7, 28),
        type_name="Quy định",
        owner=tree.tu,
    )
    assert doc.doc_type == "QĐi"
    assert doc.symbol == "22-QĐ/TW"
    assert list(doc.milestones.all()) == []  # quy định are not reviewed by default


def test_a_plan_is_not_reviewed_and_gets_an_empty_schedule(tree):
    doc = register(tree.province_office, "112-KH/TU", tree.tu, D(2023, 1, 5))
    assert doc.milestones.count() == 0


@pytest.mark.parametrize(
    ("symbol", "field"),
    [
        ("", "symbol"),
        ("abc", "symbol"),
        ("05-XX/TU", "symbol"),
        ("05-NQ/TW", "symbol"),
        ("05-NQ", "symbol"),
    ],
)
def test_a_bad_symbol_is_refused_on_the_symbol_field_and_nothing_is_written(tree, symbol, field):
    with pytest.raises(ValidationError) as exc:
        register(tree.province_office, symbol, tree.tu, D(2024, 1, 1))
    assert field in errors_of(exc)
    assert Document.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="document").count() == 0


def test_the_issuer_part_must_match_the_issuers_abbreviation(tree):
    with pytest.raises(ValidationError) as exc:
        register(tree.province_office, "05-NQ/TW", tree.tu, D(2024, 1, 1))
    message = errors_of(exc)["symbol"][0]
    assert "TW" in message and "TU" in message


def test_registering_the_same_issuer_symbol_and_date_twice_is_refused(tree):
    register(tree.province_office, "10-NQ/TU", tree.tu, D(2017, 2, 6))
    with pytest.raises(ValidationError) as exc:
        register(tree.province_office, "10 - NQ/TU", tree.tu, D(2017, 2, 6))
    assert "symbol" in errors_of(exc)
    assert Document.objects.count() == 1


def test_the_same_symbol_in_another_term_is_a_different_document(tree):
    register(tree.province_office, "10-NQ/TU", tree.tu, D(2017, 2, 6))
    register(tree.province_office, "10-NQ/TU", tree.tu, D(2021, 3, 1))
    assert Document.objects.count() == 2


@time_machine.travel(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC))
@pytest.mark.parametrize(
    ("signed_on", "field"), [(D(2026, 11, 23), "signed_on"), (D(1929, 12, 31), "signed_on")]
)
def test_impossible_signing_dates_are_refused(tree, signed_on, field):
    with pytest.raises(ValidationError) as exc:
        register(tree.province_office, "01-NQ/TU", tree.tu, signed_on)
    assert field in errors_of(exc)


def test_an_empty_title_and_unknown_field_are_refused(tree):
    with pytest.raises(ValidationError) as exc:
        register(tree.province_office, "01-NQ/TU", tree.tu, D(2024, 1, 1), title="  ")
    assert "title" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        register(tree.province_office, "01-NQ/TU", tree.tu, D(2024, 1, 1), fields=["khong-co"])
    assert "fields" in errors_of(exc)
    assert Document.objects.count() == 0


def test_nobody_registers_a_document_above_their_clearance(tree):
    with pytest.raises(ValidationError) as exc:
        register(
            tree.commune_office, "01-NQ/ĐU", tree.xa, D(2024, 1, 1), security_level="confidential"
        )
    assert "security_level" in errors_of(exc)


def test_a_viewer_cannot_register_and_an_office_cannot_register_for_another_subtree(tree):
    with pytest.raises(PermissionDenied):
        register(tree.province_viewer, "01-NQ/TU", tree.tu, D(2024, 1, 1))
    with pytest.raises(PermissionDenied):
        register(tree.commune_office, "01-NQ/TU", tree.tu, D(2024, 1, 1), owner=tree.tu)


def test_overrides_replace_milestones_and_must_come_after_signing(tree):
    doc = register(
        tree.province_office,
        "09-NQ/TU",
        tree.tu,
        D(2019, 12, 15),
        review_overrides=[
            ("interim", 1, D(2024, 12, 15)),
            ("interim", 2, D(2027, 12, 15)),
            ("final", 1, D(2030, 12, 15)),
        ],
    )
    assert [(m.kind, m.sequence, m.due_on, m.overridden) for m in doc.milestones.all()] == [
        ("interim", 1, D(2024, 12, 15), True),
        ("interim", 2, D(2027, 12, 15), True),
        ("final", 1, D(2030, 12, 15), True),
    ]
    with pytest.raises(ValidationError) as exc:
        register(
            tree.province_office,
            "11-NQ/TU",
            tree.tu,
            D(2019, 12, 15),
            review_overrides=[("interim", 1, D(2019, 12, 1))],
        )
    assert "review_overrides" in errors_of(exc)


def test_changing_a_rule_recomputes_its_documents_but_keeps_overridden_milestones(
    tree, national_admin
):
    plain = register(tree.province_office, "01-NQ/TU", tree.tu, D(2020, 3, 31))
    fixed = register(
        tree.province_office,
        "02-NQ/TU",
        tree.tu,
        D(2020, 3, 31),
        review_overrides=[("interim", 1, D(2022, 6, 30))],
    )
    central = register(tree.province_office, "05-CT/TW", tree.tw, D(2016, 5, 15), owner=tree.tu)
    rule = ReviewRule.objects.get(level__slug="province")
    count = services.review_rule_update(
        by=national_admin, rule=rule, interim_years=2, final_years=4, plan_lead_months=3
    )
    assert count == 2  # the two provincial documents; the central one has another rule
    assert [(m.due_on, m.plan_due_on) for m in plain.milestones.all()] == [
        (D(2022, 3, 31), D(2021, 12, 31)),
        (D(2024, 3, 31), D(2023, 12, 31)),
    ]
    assert [m.due_on for m in fixed.milestones.all()] == [D(2022, 6, 30), D(2024, 3, 31)]
    assert [m.due_on for m in central.milestones.all()] == [D(2021, 5, 15), D(2026, 5, 15)]
    assert AuditEvent.objects.filter(object_type="reviewrule", action="update").exists()


def test_a_rule_whose_final_review_is_not_after_the_interim_is_refused(tree, national_admin):
    rule = ReviewRule.objects.get(level__slug="province")
    with pytest.raises(ValidationError):
        services.review_rule_update(by=national_admin, rule=rule, interim_years=5, final_years=5)
    rule.refresh_from_db()
    assert (rule.interim_years, rule.final_years) == (3, 5)


def test_only_administrators_change_rules(tree):
    rule = ReviewRule.objects.get(level__slug="province")
    with pytest.raises(PermissionDenied):
        services.review_rule_update(by=tree.province_office, rule=rule, interim_years=2)


def test_removing_a_type_from_the_rule_clears_the_schedule_of_its_documents(tree, national_admin):
    doc = register(tree.province_office, "03-KL/TU", tree.tu, D(2022, 1, 10))
    assert doc.milestones.count() == 2
    rule = ReviewRule.objects.get(level__slug="province")
    services.review_rule_update(by=national_admin, rule=rule, reviewed_types=["NQ", "CT"])
    assert doc.milestones.count() == 0


def test_superseding_sets_the_old_documents_status_and_unrelating_restores_it(tree):
    old = register(tree.province_office, "10-NQ/TU", tree.tu, D(2017, 2, 6))
    new = register(tree.province_office, "05-NQ/TU", tree.tu, D(2021, 3, 1))
    relation = services.document_relate(
        by=tree.province_office, source=new, kind="supersedes", target=old
    )
    old.refresh_from_db()
    assert old.status == DocumentStatus.SUPERSEDED
    services.document_unrelate(by=tree.province_office, relation=relation)
    old.refresh_from_db()
    assert old.status == DocumentStatus.IN_FORCE
    assert AuditEvent.objects.filter(object_id=str(old.pk), action="status").count() == 2


def test_a_document_cannot_supersede_a_later_one_or_itself_or_twice(tree):
    old = register(tree.province_office, "10-NQ/TU", tree.tu, D(2017, 2, 6))
    new = register(tree.province_office, "05-NQ/TU", tree.tu, D(2021, 3, 1))
    with pytest.raises(ValidationError):
        services.document_relate(by=tree.province_office, source=old, kind="supersedes", target=new)
    with pytest.raises(ValidationError):
        services.document_relate(by=tree.province_office, source=new, kind="implements", target=new)
    services.document_relate(by=tree.province_office, source=new, kind="implements", target=old)
    with pytest.raises(ValidationError):
        services.document_relate(by=tree.province_office, source=new, kind="implements", target=old)


def test_every_change_is_audited_with_before_and_after(tree):
    doc = register(tree.province_office, "01-NQ/TU", tree.tu, D(2024, 1, 1), fields=["kinh-te"])
    services.document_update(
        by=tree.province_office, document=doc, title="về tiêu đề mới", fields=["xay-dung-dang"]
    )
    events = list(
        AuditEvent.objects.filter(object_type="document", object_id=str(doc.pk)).order_by("id")
    )
    assert [e.action for e in events] == ["create", "update"]
    assert events[0].actor == tree.province_office
    assert events[1].changes["title"] == ["về một chủ đề thử nghiệm", "về tiêu đề mới"]
    assert events[1].changes["fields"] == [["kinh-te"], ["xay-dung-dang"]]
    assert "symbol" not in events[1].changes


def test_changing_the_signing_date_moves_the_schedule(tree):
    doc = register(tree.province_office, "01-NQ/TU", tree.tu, D(2024, 1, 1))
    services.document_update(by=tree.province_office, document=doc, signed_on=D(2024, 6, 30))
    assert [m.due_on for m in doc.milestones.all()] == [D(2027, 6, 30), D(2029, 6, 30)]


def test_a_document_with_relations_cannot_be_deleted_until_they_are_removed(tree):
    old = register(tree.province_office, "10-NQ/TU", tree.tu, D(2017, 2, 6))
    new = register(tree.province_office, "05-KH/TU", tree.tu, D(2021, 3, 1))
    relation = services.document_relate(
        by=tree.province_office, source=new, kind="implements", target=old
    )
    for document in (old, new):
        with pytest.raises(ValidationError):
            services.document_delete(by=tree.province_office, document=document)
    assert Document.objects.count() == 2
    services.document_unrelate(by=tree.province_office, relation=relation)
    new_id = new.pk
    services.document_delete(by=tree.province_office, document=new)
    assert not Document.objects.filter(pk=new_id).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(new_id)).exists()


def test_without_a_printed_type_name_the_types_name_is_recorded_and_searchable(tree):
    from nqtrack.documents import selectors

    doc = register(
        tree.province_office,
        "57-NQ/TW",
        tree.tw,
        D(2024, 12, 22),
        owner=tree.tu,
        title="về đột phá phát triển khoa học, công nghệ",
    )
    assert doc.type_name == "Nghị quyết"
    found = selectors.document_search(
        selectors.documents_visible_to(tree.province_office), "nghi quyet 57"
    )
    assert [d.symbol for d in found] == ["57-NQ/TW"]
