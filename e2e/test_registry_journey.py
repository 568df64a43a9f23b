"""The registry journey of an office clerk, driven in a real (headless) Chromium.

Every test loads the demo province (Lào Cai, plus Quảng Trị as "another province") and talks to
the application only through the browser, in Vietnamese, as a user would.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document as DocxDocument

from nqtrack.demo.data import DEMO_PASSWORD
from nqtrack.demo.loader import demo_load
from nqtrack.documents.models import Document

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread: data must really be committed. Serialized
    # rollback restores the levels and review rules created by data migrations, which the flush
    # after each transactional test would otherwise wipe.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # WhiteNoise warns that STATIC_ROOT (var/static) was never collected; the live server serves
    # static files through the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

REGISTER_URL = "/van-ban/dang-ky/"
CALENDAR_URL = "/van-ban/lich-so-ket-tong-ket/"
# The register form is the only form of the page with class "card" (the pre-fill form sits in a
# section.card). Buttons are chosen by CSS, never by text: the UI may be in vi or en.
MAIN_FORM = "main form.card"
PREFILL_FORM = "main form:has(input[name=action][value=prefill])"
SUBMIT = "button.primary[type=submit]"


@pytest.fixture
def demo(db: None) -> dict[str, int]:
    return demo_load()


def log_in(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click(f"main form {SUBMIT}")
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)


def choose_issuer(page: Any, starts_with: str) -> None:
    """Selects the issuer option whose label starts with the given name."""
    value = page.eval_on_selector(
        "#id_issuer",
        """(select, prefix) => {
            const option = [...select.options].find(o => o.text.trim().startsWith(prefix));
            return option ? option.value : null;
        }""",
        starts_with,
    )
    assert value, f"no issuer option starts with {starts_with!r}"
    page.select_option("#id_issuer", value)


def fill_register_form(page: Any, *, symbol: str, issuer: str, signed_on: str, title: str) -> None:
    page.goto(REGISTER_URL)
    form = page.locator(MAIN_FORM)
    form.locator("#id_symbol").fill(symbol)
    choose_issuer(page, issuer)
    form.locator("#id_signed_on").fill(signed_on)
    form.locator("#id_title").fill(title)


def submit_register_form(page: Any) -> None:
    with page.expect_navigation():
        page.locator(MAIN_FORM).locator(SUBMIT).click()


def detail_url_pattern() -> re.Pattern[str]:
    return re.compile(r"/van-ban/\d+/$")


def test_office_staff_logs_in_registers_a_resolution_and_sees_its_review_calendar(
    demo: dict[str, int], page: Any, screenshot_dir: Path
) -> None:
    page.goto("/dang-nhap/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Đăng nhập" in page.locator("main").inner_text(), (
        "the login page is not in Vietnamese (is the vi catalogue compiled?)"
    )
    log_in(page, "vanphong")

    fill_register_form(
        page,
        symbol="15-NQ/TU",
        issuer="Tỉnh ủy Lào Cai",
        signed_on="10/03/2025",
        title="về phát triển du lịch bền vững giai đoạn 2025 - 2030",
    )
    submit_register_form(page)

    assert detail_url_pattern().search(page.url), page.url
    assert "15-NQ/TU" in page.locator("main h1").inner_text()
    calendar = page.locator("[data-testid=review-calendar]")
    rows = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in calendar.locator("tbody tr").all()
    ]
    # Province rule: interim review after 3 years, final after 5, plan 2 months before.
    due_and_plan = [(row[1].split()[0], row[2]) for row in rows]
    assert due_and_plan == [("10/03/2028", "10/01/2028"), ("10/03/2030", "10/01/2030")], rows

    page.goto(CALENDAR_URL)
    filters = page.locator("main form.filters")
    filters.locator("input[name=start]").fill("01/01/2028")
    filters.locator("input[name=end]").fill("31/12/2028")
    with page.expect_navigation():
        filters.locator(SUBMIT).click()
    march = page.locator("section.month").filter(
        has=page.locator("h2", has_text=re.compile(r"\b03/2028\b"))
    )
    assert march.count() == 1
    assert "15-NQ/TU" in march.inner_text()
    assert "10/03/2028" in march.locator("tr", has_text="15-NQ/TU").inner_text()

    page.screenshot(path=str(screenshot_dir / "review-calendar-2028.png"), full_page=True)


def test_a_duplicate_registration_shows_a_clear_error_and_writes_nothing(
    demo: dict[str, int], page: Any
) -> None:
    log_in(page, "vanphong")
    before = Document.objects.count()

    fill_register_form(
        page,
        symbol="05-CT/TW",
        issuer="Ban Chấp hành Trung ương",
        signed_on="15/05/2016",
        title="về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    )
    submit_register_form(page)

    assert page.url.endswith(REGISTER_URL), page.url
    error = page.locator("[data-testid=error-symbol]")
    assert error.is_visible()
    assert error.inner_text().strip()
    assert page.locator("#id_symbol").input_value() == "05-CT/TW"
    assert Document.objects.count() == before


def test_uploading_a_docx_prefills_the_form_from_its_header(
    demo: dict[str, int], page: Any, tmp_path: Path
) -> None:
    docx_path = tmp_path / "16-NQ-TU-chuyen-doi-so.docx"
    docx = DocxDocument()
    for line in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "TỈNH ỦY LÀO CAI",
        "*",
        "Số 16-NQ/TU",
        "Lào Cai, ngày 06 tháng 02 năm 2025",
        "NGHỊ QUYẾT",
        "về chuyển đổi số trong các cơ quan đảng",
        "Tỉnh ủy quyết nghị đẩy mạnh chuyển đổi số trong các cơ quan đảng của tỉnh, "
        "lấy người dùng làm trung tâm, bảo đảm an toàn thông tin.",
    ]:
        docx.add_paragraph(line)
    docx.save(str(docx_path))

    log_in(page, "vanphong")
    page.goto(REGISTER_URL)
    prefill = page.locator(PREFILL_FORM)
    prefill.locator("input[name=file]").set_input_files(str(docx_path))
    with page.expect_navigation():
        prefill.locator("button[type=submit]").click()

    form = page.locator(MAIN_FORM)
    assert form.locator("#id_symbol").input_value() == "16-NQ/TU"
    assert form.locator("#id_signed_on").input_value() == "06/02/2025"
    assert form.locator("#id_title").input_value() == "về chuyển đổi số trong các cơ quan đảng"

    submit_register_form(page)

    assert detail_url_pattern().search(page.url), page.url
    files = page.locator("main section.card").filter(has=page.locator("a[href*='/van-ban/tep/']"))
    assert docx_path.name in files.inner_text()


def test_a_user_of_another_province_cannot_open_the_document(
    demo: dict[str, int], new_page: Any
) -> None:
    document = Document.objects.get(symbol="10-NQ/TU", issuer__name="Tỉnh ủy Lào Cai")
    url = f"/van-ban/{document.pk}/"

    clerk = new_page()
    log_in(clerk, "vanphong")
    response = clerk.goto(url)
    assert response is not None and response.status == 200
    assert "10-NQ/TU" in clerk.locator("main h1").inner_text()

    outsider = new_page()
    log_in(outsider, "tinhkhac")
    response = outsider.goto(url)
    assert response is not None and response.status == 404
    assert "10-NQ/TU" not in outsider.content()


def test_uploading_a_pdf_printed_by_the_browser_prefills_the_form(
    demo: dict[str, int], new_page: Any, tmp_path: Path
) -> None:
    pdf_path = tmp_path / "17-CT-TU.pdf"
    printer = new_page()
    printer.set_content(
        "<html><body style='font-family: DejaVu Sans, sans-serif'>"
        "<p>ĐẢNG CỘNG SẢN VIỆT NAM</p><p>TỈNH ỦY LÀO CAI</p><p>*</p><p>Số 17-CT/TU</p>"
        "<p>Lào Cai, ngày 20 tháng 3 năm 2025</p><p>CHỈ THỊ</p>"
        "<p>về tăng cường công tác phòng, chống thiên tai</p>"
        "<p>Các cấp ủy tập trung lãnh đạo công tác phòng, chống thiên tai.</p></body></html>"
    )
    printer.pdf(path=str(pdf_path))

    page = new_page()
    log_in(page, "vanphong")
    page.goto(REGISTER_URL)
    prefill = page.locator(PREFILL_FORM)
    prefill.locator("input[name=file]").set_input_files(str(pdf_path))
    with page.expect_navigation():
        prefill.locator("button[type=submit]").click()

    form = page.locator(MAIN_FORM)
    assert form.locator("#id_symbol").input_value() == "17-CT/TU"
    assert form.locator("#id_signed_on").input_value() == "20/03/2025"
    assert form.locator("#id_title").input_value() == (
        "về tăng cường công tác phòng, chống thiên tai"
    )
    submit_register_form(page)
    document = Document.objects.get(symbol="17-CT/TU")
    assert document.attachments.get().content_type == "application/pdf"
    assert "phong chong thien tai" in document.search_text
