"""The registry pages as a user meets them: register, pre-fill, calendar, exports, rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from nqtrack.documents.models import Attachment, Document, ReviewRule
from nqtrack.testing import register

D = dt.date
pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


def docx_bytes(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


HEADER = [
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "TỈNH ỦY A",
    "*",
    "Số 16-NQ/TU",
    "Lào Cai, ngày 06 tháng 02 năm 2025",
    "NGHỊ QUYẾT",
    "về chuyển đổi số trong các cơ quan đảng",
    "",
    "Ban Chấp hành Đảng bộ tỉnh quyết nghị đẩy mạnh chuyển đổi số.",
]


@pytest.fixture
def office(tree) -> Client:
    client = Client()
    client.force_login(tree.province_office)
    return client


def form_data(tree, **overrides):
    return {
        "symbol": "15-NQ/TU",
        "issuer": tree.tu.pk,
        "signed_on": "10/03/2025",
        "title": "về phát triển du lịch bền vững",
        "security_level": "normal",
        "urgency": "normal",
    } | overrides


def test_registering_through_the_form_lands_on_the_detail_with_its_calendar(tree, office):
    response = office.post("/van-ban/dang-ky/", form_data(tree), follow=True)
    page = response.content.decode()
    doc = Document.objects.get()
    assert response.redirect_chain[-1][0] == f"/van-ban/{doc.pk}/"
    assert "10/03/2028" in page and "10/01/2028" in page and "10/03/2030" in page


def test_the_form_shows_the_services_error_under_the_field_and_writes_nothing(tree, office):
    register(tree.province_office, "15-NQ/TU", tree.tu, D(2025, 3, 10))
    response = office.post("/van-ban/dang-ky/", form_data(tree))
    assert response.status_code == 200
    assert 'data-testid="error-symbol"' in response.content.decode()
    assert Document.objects.count() == 1
    response = office.post("/van-ban/dang-ky/", form_data(tree, signed_on="31/02/2025"))
    assert 'data-testid="error-signed_on"' in response.content.decode()


def test_uploading_a_docx_prefills_the_form_and_attaches_the_file_on_save(tree, office):
    data = docx_bytes(HEADER)
    upload = SimpleUploadedFile("nq16.docx", data)
    response = office.post("/van-ban/dang-ky/", {"action": "prefill", "file": upload})
    form = response.context["form"]
    assert form.initial["symbol"] == "16-NQ/TU"
    assert form.initial["signed_on"] == D(2025, 2, 6)
    assert "chuyển đổi số" in form.initial["title"]
    assert form.initial["issuer"] == tree.tu
    token = form.initial["upload_token"]
    response = office.post(
        "/van-ban/dang-ky/",
        form_data(
            tree,
            symbol="16-NQ/TU",
            signed_on="06/02/2025",
            title=form.initial["title"],
            full_text=form.initial["full_text"],
            upload_token=token,
        ),
    )
    doc = Document.objects.get(symbol="16-NQ/TU")
    attachment = doc.attachments.get()
    assert attachment.original_name == "nq16.docx"
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.size == len(data)
    assert "chuyen doi so" in doc.search_text


def test_another_users_staged_file_cannot_be_claimed(tree, office):
    upload = SimpleUploadedFile("nq16.docx", docx_bytes(HEADER))
    token = (
        office.post("/van-ban/dang-ky/", {"action": "prefill", "file": upload})
        .context["form"]
        .initial["upload_token"]
    )
    other = Client()
    other.force_login(tree.province_admin)
    other.post("/van-ban/dang-ky/", form_data(tree, upload_token=token))
    assert Document.objects.get().attachments.count() == 0
    assert Attachment.objects.filter(document__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [("virus.exe", b"MZ..."), ("fake.pdf", b"not a pdf at all"), ("empty.docx", b"")],
)
def test_files_that_are_not_real_pdf_or_word_files_are_refused(tree, office, name, content):
    response = office.post(
        "/van-ban/dang-ky/", form_data(tree, file=SimpleUploadedFile(name, content))
    )
    assert response.status_code == 200
    assert Document.objects.count() == 0
    assert Attachment.objects.count() == 0


@time_machine.travel(NOW)
def test_the_calendar_groups_reviews_by_month_and_filters_by_issuer(tree, office):
    register(tree.province_office, "01-NQ/TU", tree.tu, D(2024, 3, 10), fields=["kinh-te"])
    register(tree.province_office, "05-CT/TW", tree.tw, D(2022, 3, 20), owner=tree.tu)
    page = office.get(
        "/van-ban/lich-so-ket-tong-ket/", {"start": "01/01/2027", "end": "31/12/2027"}
    ).content.decode()
    assert "03/2027" in page and "01-NQ/TU" in page and "05-CT/TW" in page
    page = office.get(
        "/van-ban/lich-so-ket-tong-ket/",
        {"start": "01/01/2027", "end": "31/12/2027", "issuer": "TW"},
    ).content.decode()
    assert "05-CT/TW" in page and "01-NQ/TU" not in page
    page = office.get(
        "/van-ban/lich-so-ket-tong-ket/",
        {"start": "01/01/2027", "end": "31/12/2027", "field": "kinh-te"},
    ).content.decode()
    assert "05-CT/TW" not in page and "01-NQ/TU" in page


@time_machine.travel(NOW)
def test_the_calendar_exports_the_same_rows_to_xlsx(tree, office):
    register(tree.province_office, "01-NQ/TU", tree.tu, D(2024, 3, 10))
    response = office.get(
        "/van-ban/lich-so-ket-tong-ket/",
        {"start": "01/01/2027", "end": "31/12/2029", "export": "xlsx"},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0].date(), r[3]) for r in rows] == [
        (D(2027, 3, 10), "01-NQ/TU"),
        (D(2029, 3, 10), "01-NQ/TU"),
    ]


@time_machine.travel(NOW)
def test_home_shows_reviews_due_within_six_months_and_overdue_plans(tree, office):
    register(tree.province_office, "01-NQ/TU", tree.tu, D(2024, 1, 15))  # plan due 15/11/2026
    register(tree.province_office, "02-NQ/TU", tree.tu, D(2024, 9, 1))  # due 01/09/2027
    response = office.get("/")
    due = [m.document.symbol for m in response.context["due_soon"]]
    overdue = [m.document.symbol for m in response.context["overdue_plans"]]
    assert due == ["01-NQ/TU"]
    assert overdue == ["01-NQ/TU"]
    assert response.context["in_force_count"] == 2


@time_machine.travel(NOW)
def test_a_registered_review_report_marks_the_review_as_held(tree, office):
    from nqtrack.documents import services

    resolution = register(tree.province_office, "01-NQ/TU", tree.tu, D(2024, 1, 15))
    report = register(
        tree.province_office, "88-BC/TU", tree.tu, D(2026, 11, 20), type_name="Báo cáo"
    )
    services.document_relate(
        by=tree.province_office, source=report, kind="reviews", target=resolution
    )
    assert list(office.get("/").context["overdue_plans"]) == []


def test_an_administrator_edits_a_rule_and_the_calendar_follows(tree, national_admin):
    doc = register(tree.province_office, "01-NQ/TU", tree.tu, D(2020, 1, 15))
    admin = Client()
    admin.force_login(national_admin)
    response = admin.post(
        "/van-ban/quy-tac-so-ket/province/",
        {
            "interim_years": 2,
            "final_years": 6,
            "plan_lead_months": 2,
            "finalize_days": 10,
            "reviewed_types": "NQ, CT, KL",
        },
    )
    assert response.status_code == 302
    assert [m.due_on for m in doc.milestones.all()] == [D(2022, 1, 15), D(2026, 1, 15)]
    assert ReviewRule.objects.get(level__slug="province").final_years == 6
    viewer = Client()
    viewer.force_login(tree.province_viewer)
    assert viewer.get("/van-ban/quy-tac-so-ket/province/").status_code == 403
    provincial = Client()
    provincial.force_login(tree.province_admin)
    assert provincial.get("/van-ban/quy-tac-so-ket/province/").status_code == 403


def test_a_committee_sets_its_own_rule_on_the_rules_page(tree):
    doc = register(tree.province_office, "01-NQ/TU", tree.tu, D(2020, 1, 15))
    admin = Client()
    admin.force_login(tree.province_admin)
    page = admin.get("/van-ban/quy-tac-so-ket/")
    assert "/van-ban/quy-tac-so-ket/rieng/them/" in page.content.decode()
    response = admin.post(
        "/van-ban/quy-tac-so-ket/rieng/them/",
        {
            "owner": "A-TU",
            "level": "province",
            "interim_years": 2,
            "final_years": 6,
            "plan_lead_months": 2,
            "finalize_days": 10,
            "reviewed_types": "NQ, CT, KL",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [m.due_on for m in doc.milestones.all()] == [D(2022, 1, 15), D(2026, 1, 15)]
    rule = ReviewRule.objects.get(owner=tree.tu)
    assert tree.tu.name in admin.get("/van-ban/quy-tac-so-ket/").content.decode()
    confirm = admin.get(f"/van-ban/quy-tac-so-ket/rieng/{rule.pk}/xoa/")
    assert confirm.status_code == 200 and "Yes, delete" not in confirm.content.decode()
    admin.post(f"/van-ban/quy-tac-so-ket/rieng/{rule.pk}/xoa/")
    assert not ReviewRule.objects.filter(owner=tree.tu).exists()
    assert [m.due_on for m in doc.milestones.all()] == [D(2023, 1, 15), D(2025, 1, 15)]


def test_the_document_list_runs_a_fixed_number_of_queries(tree, office):
    for n in range(1, 4):
        register(
            tree.province_office,
            f"{n:02d}-NQ/TU",
            tree.tu,
            D(2024, 1, n),
            fields=["kinh-te", "xay-dung-dang"],
        )
    with CaptureQueriesContext(connection) as few:
        office.get("/van-ban/")
    for n in range(4, 20):
        register(tree.province_office, f"{n:02d}-NQ/TU", tree.tu, D(2024, 1, n), fields=["kinh-te"])
    with CaptureQueriesContext(connection) as many:
        office.get("/van-ban/")
    assert len(many) == len(few)


def test_deleting_asks_for_confirmation_first(tree, office):
    doc = register(tree.province_office, "01-KH/TU", tree.tu, D(2024, 1, 1))
    page = office.get(f"/van-ban/{doc.pk}/xoa/")
    assert page.status_code == 200 and Document.objects.filter(pk=doc.pk).exists()
    office.post(f"/van-ban/{doc.pk}/xoa/")
    assert not Document.objects.filter(pk=doc.pk).exists()


def test_relations_are_shown_with_their_inverse_on_the_other_document(tree, office):
    central = register(tree.province_office, "57-NQ/TW", tree.tw, D(2024, 12, 22), owner=tree.tu)
    programme = register(tree.province_office, "45-CTr/TU", tree.tu, D(2025, 3, 10))
    office.post(
        f"/van-ban/{programme.pk}/lien-ket/", {"kind": "implements", "target": "57 - NQ/TW"}
    )
    page = office.get(f"/van-ban/{central.pk}/")
    assert "45-CTr/TU" in page.content.decode()
    assert programme.outgoing.get().target == central
