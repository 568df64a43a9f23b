"""From a conclusion notice to the rates of a self-review round, in a real (headless) Chromium.

The provincial office (Văn phòng Tỉnh ủy staff, registry of Tỉnh ủy Lạng Sơn) pastes a
conclusion notice, corrects one proposed task and saves the tasks; it opens a reporting round;
the commune Đảng ủy xã Chi Lăng answers both of its tasks while Ủy ban MTTQ tỉnh sends a report
that leaves its task unanswered (generic) and UBND tỉnh does not report; the office then reads
the rates. Data is set up in Python; every step of the journey goes through the browser.

Texts are asserted in Vietnamese as the catalogue prints them (constants below): a reworded
catalogue entry needs a one-line change here, a missing one fails the test.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from nqtrack.assignments.models import Task
from nqtrack.documents.models import Document
from nqtrack.organizations import services as org_services
from nqtrack.organizations.models import Level, Organization, Role, SecurityLevel, User
from nqtrack.testing import PASSWORD, UserFactory, register

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread: data must really be committed. Serialized
    # rollback restores the levels and review rules created by data migrations.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# What the Vietnamese pages print (locale/vi/LC_MESSAGES/django.po).
VI = {
    "documents_menu": "Văn bản",
    "tasks_menu": "Chương trình, nhiệm vụ",
    "lead_unit": "Đơn vị chủ trì",
    "extract_link": "Nhập nhiệm vụ từ văn bản này",
    "extract_title": "Nhập nhiệm vụ từ văn bản",
    "notice_text": "Nội dung thông báo kết luận hoặc chương trình",
    "propose": "Đề xuất nhiệm vụ",
    "confirm": "Xác nhận và lưu nhiệm vụ",
    "saved": "Đã lưu 5 nhiệm vụ.",
    "continuous": "Thường xuyên",
    "inbox_title": "Nhiệm vụ của đơn vị",
    "reports_menu": "Báo cáo rà soát",
    "new_round": "Kỳ báo cáo mới",
    "round_title": "Tên kỳ báo cáo",
    "period_from": "Kỳ báo cáo từ ngày",
    "period_to": "Đến ngày",
    "due_on": "Hạn gửi báo cáo",
    "create_round": "Tạo kỳ báo cáo",
    "created": "Đã tạo kỳ báo cáo “{title}”.",
    "of_your_units": "trong số đơn vị của bạn",
    "report_for": "Báo cáo của {unit}",
    "to_answer": "Có {n} nhiệm vụ cần báo cáo",
    "send": "Gửi báo cáo",
    "evidence": "Minh chứng",
    "done": "đã hoàn thành",
    "in_progress": "đang thực hiện",
    "sent": "Đã gửi báo cáo của {unit}.",
    "unanswered_note": (
        "Còn 1 nhiệm vụ chưa được báo cáo: báo cáo sẽ bị đánh dấu là chung chung. Vẫn gửi?"
    ),
    "flagged_generic": ("Báo cáo còn 1 nhiệm vụ chưa được báo cáo nên bị đánh dấu là chung chung."),
    "on_time": "gửi đúng hạn",
    "missing": "chưa báo cáo",
    "yes": "Có",
    "report_status": "Tình trạng báo cáo",
    "filter": "Lọc",
    "stat_expected": "đơn vị phải báo cáo",
    "stat_submitted": "báo cáo đã gửi",
    "stat_on_time": "gửi đúng hạn",
    "stat_completeness": "tỷ lệ đầy đủ (đã gửi / phải gửi)",
    "stat_timeliness": "tỷ lệ đúng hạn (đúng hạn / phải gửi)",
    "stat_generic": "báo cáo chung chung (bỏ sót nhiệm vụ được giao)",
}

SYMBOL = "125-TB/TU"


@dataclass
class Province:
    tu: Organization
    ubnd: Organization
    mttq: Organization
    btg: Organization
    xa: Organization
    office: User
    xa_reporter: User
    mttq_reporter: User
    notice: Document
    today: datetime.date

    @property
    def next_year(self) -> int:
        """Deadlines of the notice fall in the next year, so the tasks are open whenever the
        test runs."""
        return self.today.year + 1

    @property
    def round_due_on(self) -> datetime.date:
        return self.today + datetime.timedelta(days=14)


def _org(
    code: str,
    parent: Organization | None,
    level: str,
    name: str,
    *,
    kind: str = "committee",
    short_name: str = "",
    abbreviation: str = "",
) -> Organization:
    return org_services.organization_create(
        by=None,
        code=code,
        name=name,
        short_name=short_name,
        abbreviation=abbreviation or code,
        kind=kind,
        level=Level.objects.get(slug=level),
        parent=parent,
    )


@pytest.fixture
def province(db: None) -> Province:
    tw = _org("TW", None, "central", "Ban Chấp hành Trung ương Đảng", abbreviation="TW")
    tu = _org("LS-TU", tw, "province", "Tỉnh ủy Lạng Sơn", short_name="Tỉnh ủy", abbreviation="TU")
    _org(
        "LS-VPTU",
        tu,
        "province",
        "Văn phòng Tỉnh ủy Lạng Sơn",
        kind="advisory_body",
        short_name="Văn phòng Tỉnh ủy",
        abbreviation="VPTU",
    )
    btg = _org(
        "LS-BTGDVTU",
        tu,
        "province",
        "Ban Tuyên giáo và Dân vận Tỉnh ủy Lạng Sơn",
        kind="advisory_body",
        short_name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        abbreviation="BTGDVTU",
    )
    ubnd = _org(
        "LS-UBND",
        tu,
        "province",
        "Ủy ban nhân dân tỉnh Lạng Sơn",
        kind="government_body",
        short_name="UBND tỉnh",
        abbreviation="UBND",
    )
    mttq = _org(
        "LS-MTTQ",
        tu,
        "province",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lạng Sơn",
        kind="mass_organization",
        short_name="Ủy ban MTTQ tỉnh",
        abbreviation="MTTQ",
    )
    xa = _org("LS-X-CHILANG", tu, "commune", "Đảng ủy xã Chi Lăng", abbreviation="ĐU")
    _org("LS-P-DONGKINH", tu, "commune", "Đảng ủy phường Đông Kinh", abbreviation="ĐU")
    office = UserFactory(
        username="vp_tinhuy", organization=tu, role=Role.OFFICE, clearance=SecurityLevel.SECRET
    )
    today = timezone.localdate()
    notice = register(
        office,
        SYMBOL,
        tu,
        today - datetime.timedelta(days=7),
        title="kết luận của Ban Thường vụ Tỉnh ủy về tình hình thực hiện chuyển đổi số",
        type_name="Thông báo kết luận",
    )
    return Province(
        tu=tu,
        ubnd=ubnd,
        mttq=mttq,
        btg=btg,
        xa=xa,
        office=office,
        xa_reporter=UserFactory(username="bc_chilang", organization=xa, role=Role.REPORTER),
        mttq_reporter=UserFactory(username="bc_mttq", organization=mttq, role=Role.REPORTER),
        notice=notice,
        today=today,
    )


def notice_text(p: Province) -> str:
    """The body of the notice as a clerk would paste it from the signed PDF."""
    meeting = (p.notice.signed_on - datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    y = p.next_year
    return f"""THÔNG BÁO KẾT LUẬN
của Ban Thường vụ Tỉnh ủy về tình hình thực hiện chuyển đổi số năm {p.notice.signed_on.year}
Tại phiên họp ngày {meeting}, sau khi nghe Văn phòng Tỉnh ủy báo cáo tình hình thực hiện chuyển \
đổi số trong hệ thống chính trị của tỉnh, Ban Thường vụ Tỉnh ủy kết luận như sau:
1. Giao UBND tỉnh chủ trì, phối hợp với Ủy ban MTTQ tỉnh xây dựng Đề án chuyển đổi số trong cơ \
quan nhà nước, trình Ban Thường vụ Tỉnh ủy trước ngày 30/6/{y}.
2. Giao BTG Tỉnh ủy chủ trì tổ chức tuyên truyền sâu rộng về chuyển đổi số trong cán bộ, đảng \
viên và Nhân dân, hoàn thành trong quý I năm {y}.
3. Đề nghị Ủy ban MTTQ tỉnh thường xuyên vận động Nhân dân sử dụng dịch vụ công trực tuyến.
4. Giao Đảng ủy xã Chi Lăng:
a) Rà soát, kiện toàn tổ công nghệ số cộng đồng ở các thôn, hoàn thành trước ngày 31/3/{y};
b) Thường xuyên hướng dẫn người dân cài đặt, sử dụng các ứng dụng dịch vụ công trên thiết bị \
di động.
"""


def log_in(page: Any, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)


def message(page: Any, text: str) -> Any:
    """The flash message the page shows (Django's messages framework)."""
    return page.get_by_role("main").get_by_role("listitem").filter(has_text=text)


def task_rows(page: Any) -> Any:
    """The rows of the task table of the task list or inbox."""
    table = page.get_by_role("main").get_by_role("table")
    return table.filter(has=page.get_by_role("columnheader", name=VI["lead_unit"])).locator(
        "tbody > tr"
    )


def exactly(*parts: str) -> re.Pattern[str]:
    """The whole text of an element made of these parts, whatever the white space between."""
    return re.compile(r"^\s*" + r"\s*".join(re.escape(part) for part in parts) + r"\s*$")


@contextmanager
def screenshots_on_failure(pages: dict[str, Any], directory: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        for name, page in pages.items():
            try:
                page.screenshot(path=str(directory / f"task-journey-{name}.png"), full_page=True)
            except Exception:  # the page may be gone; the original failure matters
                pass
        raise


def test_office_extracts_tasks_units_report_and_the_round_shows_the_rates(
    province: Province, new_page: Any, screenshot_dir: Path
) -> None:
    p = province
    pages: dict[str, Any] = {}
    errors: list[str] = []

    def open_as(name: str, username: str) -> Any:
        page = new_page()
        page.on("pageerror", lambda exc: errors.append(f"{name}: {exc}"))
        pages[name] = page
        log_in(page, username)
        return page

    with screenshots_on_failure(pages, screenshot_dir):
        office = open_as("office", p.office.username)
        extract_and_correct_the_tasks(office, p)
        round_url, round_title = open_a_round(office, p)

        commune = open_as("commune", p.xa_reporter.username)
        commune_answers_each_task(commune, p, round_title)

        front = open_as("mttq", p.mttq_reporter.username)
        front_leaves_its_task_unanswered(front, p, round_title)

        office_reads_the_rates(office, p, round_url, round_title)
        assert errors == [], errors


def extract_and_correct_the_tasks(page: Any, p: Province) -> None:
    y = p.next_year
    main = page.get_by_role("main")
    page.get_by_role("navigation").get_by_role("link", name=VI["documents_menu"]).click()
    main.get_by_role("link", name=SYMBOL, exact=True).click()
    expect(main.get_by_role("heading", level=1)).to_contain_text(f"Thông báo kết luận {SYMBOL}")
    main.get_by_role("link", name=VI["extract_link"]).click()
    expect(page).to_have_url(re.compile(rf"/nhiem-vu/trich-xuat/{p.notice.pk}/$"))
    expect(main.get_by_role("heading", level=1)).to_have_text(VI["extract_title"])

    main.get_by_label(VI["notice_text"]).fill(notice_text(p))
    main.get_by_role("button", name=VI["propose"]).click()

    proposals = page.get_by_test_id("proposals")
    rows = proposals.locator("tbody > tr")
    # (task opens with, lead as written, lead chosen, supporting, deadline), in document order
    expected = [
        ("Giao UBND tỉnh chủ trì", "UBND tỉnh", p.ubnd, [p.mttq], f"Trước ngày 30/06/{y}"),
        ("Giao BTG Tỉnh ủy chủ trì", "BTG Tỉnh ủy", p.btg, [], f"Quý I/{y}"),
        ("Đề nghị Ủy ban MTTQ tỉnh", "Ủy ban MTTQ tỉnh", p.mttq, [], VI["continuous"]),
        ("Rà soát, kiện toàn tổ công nghệ", "", p.xa, [], f"Trước ngày 31/03/{y}"),
        ("Thường xuyên hướng dẫn người dân", "", p.xa, [], VI["continuous"]),
    ]
    expect(rows).to_have_count(len(expected))
    for row, (opening, written, lead, supporting, deadline) in zip(
        rows.all(), expected, strict=True
    ):
        expect(row.locator("textarea[name$='-text']")).to_have_value(re.compile(opening))
        expect(row.locator("select[name$='-lead'] option:checked")).to_have_text(lead.name)
        if written:  # the unit as the notice wrote it, next to the organization matched
            expect(row).to_contain_text(f"“{written}”")
        expect(row.locator("select[name$='-supporting'] option:checked")).to_have_text(
            [s.name for s in supporting]
        )
        expect(row.locator("input[name$='-deadline']")).to_have_value(deadline)
        expect(row.locator("input[name$='-keep']")).to_be_checked()
    expect(rows.first.locator("input[name$='-product']")).to_have_value(
        "Đề án chuyển đổi số trong cơ quan nhà nước"
    )

    # The leaders gave the commune one more month: the clerk corrects the proposed deadline.
    rows.nth(3).locator("input[name$='-deadline']").fill(f"Trước ngày 30/04/{y}")
    proposals.get_by_role("button", name=VI["confirm"]).click()

    expect(page).to_have_url(re.compile(r"/nhiem-vu/tat-ca/\?document="))
    expect(message(page, VI["saved"])).to_be_visible()
    listed = task_rows(page)
    expect(listed).to_have_count(5)
    for opening, lead, deadline in [  # deadline: the label, then the due date under it
        ("Giao UBND tỉnh chủ trì", "UBND tỉnh", (f"Trước ngày 30/06/{y}", f"30/06/{y}")),
        ("Giao BTG Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy", (f"Quý I/{y}", f"31/03/{y}")),
        ("Đề nghị Ủy ban MTTQ", "Ủy ban MTTQ tỉnh", (VI["continuous"],)),
        ("Rà soát, kiện toàn", p.xa.name, (f"Trước ngày 30/04/{y}", f"30/04/{y}")),
        ("Thường xuyên hướng dẫn", p.xa.name, (VI["continuous"],)),
    ]:
        cells = listed.filter(has_text=opening).get_by_role("cell")
        expect(cells.nth(1)).to_have_text(lead)
        expect(cells.nth(2)).to_have_text(SYMBOL)
        expect(cells.nth(3)).to_have_text(exactly(*deadline))
    corrected = Task.objects.get(source_document=p.notice, text__startswith="Rà soát")
    assert corrected.due_on == datetime.date(y, 4, 30)


def open_a_round(page: Any, p: Province) -> tuple[str, str]:
    main = page.get_by_role("main")
    title = f"Tự kiểm tra việc thực hiện kết luận năm {p.today.year}"
    page.get_by_role("navigation").get_by_role("link", name=VI["reports_menu"]).click()
    main.get_by_role("link", name=VI["new_round"]).click()
    expect(page).to_have_url(re.compile(r"/bao-cao/tao/$"))
    main.get_by_label(VI["round_title"]).fill(title)
    main.get_by_label(VI["period_from"]).fill(f"01/01/{p.today.year}")
    main.get_by_label(VI["period_to"]).fill(f"31/12/{p.today.year}")
    main.get_by_label(VI["due_on"]).fill(f"{p.round_due_on:%d/%m/%Y}")
    for unit in (p.ubnd, p.mttq, p.xa):
        main.get_by_label(unit.name).check()
    main.get_by_role("button", name=VI["create_round"]).click()

    expect(page).to_have_url(re.compile(r"/bao-cao/\d+/$"))
    expect(message(page, VI["created"].format(title=title))).to_be_visible()
    expect(main.get_by_role("heading", level=1)).to_have_text(title)
    expect(main.locator("#units tbody > tr")).to_have_count(3)
    return page.url, title


def open_my_submit_page(page: Any, unit: Organization, round_title: str) -> None:
    main = page.get_by_role("main")
    page.get_by_role("navigation").get_by_role("link", name=VI["reports_menu"]).click()
    row = main.get_by_role("row").filter(has_text=round_title)
    expect(row.get_by_role("cell").nth(4)).to_have_text(exactly("0/1", VI["of_your_units"]))
    row.get_by_role("link", name=round_title).click()
    label = unit.short_name or unit.name
    main.get_by_role("link", name=VI["report_for"].format(unit=label)).click()
    expect(page).to_have_url(re.compile(r"/bao-cao/\d+/nop/$"))


def commune_answers_each_task(page: Any, p: Province, round_title: str) -> None:
    y = p.next_year
    main = page.get_by_role("main")
    # The inbox lists the commune's two open tasks, with the corrected deadline.
    page.get_by_role("navigation").get_by_role("link", name=VI["tasks_menu"]).click()
    expect(main.get_by_role("heading", level=1)).to_have_text(VI["inbox_title"])
    inbox = task_rows(page)
    expect(inbox).to_have_count(2)
    expect(inbox.filter(has_text="Rà soát, kiện toàn")).to_contain_text(f"Trước ngày 30/04/{y}")
    expect(inbox.filter(has_text="Thường xuyên hướng dẫn")).to_contain_text(VI["continuous"])

    open_my_submit_page(page, p.xa, round_title)
    expect(main.get_by_role("heading", level=2)).to_have_text(VI["to_answer"].format(n=2))
    answers = main.locator("#answers tbody > tr")
    expect(answers).to_have_count(2)
    for opening, status, narrative, evidence in [
        (
            "Rà soát, kiện toàn",
            VI["done"],
            "Đã kiện toàn 14 tổ công nghệ số cộng đồng ở 14/14 thôn, mỗi tổ 5 thành viên.",
            "Quyết định số 52-QĐ/ĐU ngày 15/10",
        ),
        (
            "Thường xuyên hướng dẫn",
            VI["in_progress"],
            "Tổ chức 9 buổi hướng dẫn tại nhà văn hóa thôn; 1.240 người dân đã cài VNeID.",
            "",
        ),
    ]:
        row = answers.filter(has_text=opening)
        if opening.startswith("Rà soát"):
            expect(row).to_contain_text(f"Trước ngày 30/04/{y} (30/04/{y})")
        row.get_by_role("combobox").select_option(label=status)
        row.locator("textarea[name^='narrative_']").fill(narrative)
        if evidence:
            row.get_by_label(VI["evidence"]).fill(evidence)
    expect(page.locator("#generic-warning")).to_be_hidden()
    main.get_by_role("button", name=VI["send"], exact=True).click()

    expect(page).to_have_url(re.compile(r"/bao-cao/\d+/$"))
    expect(message(page, VI["sent"].format(unit=p.xa.name))).to_be_visible()
    expect(message(page, VI["flagged_generic"])).to_have_count(0)
    own = main.locator("#units tbody > tr")
    expect(own).to_have_count(1)
    expect(own.get_by_role("cell").nth(2)).to_have_text(VI["on_time"])
    expect(own.get_by_role("cell").nth(3)).to_have_text("")


def front_leaves_its_task_unanswered(page: Any, p: Province, round_title: str) -> None:
    main = page.get_by_role("main")
    open_my_submit_page(page, p.mttq, round_title)
    expect(main.get_by_role("heading", level=2)).to_have_text(VI["to_answer"].format(n=1))
    expect(main.locator("#answers tbody > tr")).to_contain_text("Đề nghị Ủy ban MTTQ tỉnh")
    expect(page.locator("#generic-warning")).to_be_visible()

    asked: list[str] = []

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    main.get_by_role("button", name=VI["send"], exact=True).click()
    expect(message(page, VI["flagged_generic"])).to_be_visible()
    assert asked == [VI["unanswered_note"]]
    expect(message(page, VI["sent"].format(unit=p.mttq.name))).to_be_visible()


def office_reads_the_rates(page: Any, p: Province, round_url: str, round_title: str) -> None:
    main = page.get_by_role("main")
    page.goto(round_url)
    stats = main.locator(".grid.stats .stat")
    expect(stats).to_have_text(
        [
            exactly("3", VI["stat_expected"]),
            exactly("2", VI["stat_submitted"]),
            exactly("2", VI["stat_on_time"]),
            exactly("66,7%", VI["stat_completeness"]),
            exactly("66,7%", VI["stat_timeliness"]),
            exactly("1", VI["stat_generic"]),
        ]
    )
    sent_today = re.compile(rf"^{p.today:%d/%m/%Y} \d\d:\d\d$")
    units = main.locator("#units tbody > tr")
    expect(units).to_have_count(3)
    for unit, status, generic, sent_at in [
        (p.ubnd, VI["missing"], "", ""),
        (p.mttq, VI["on_time"], VI["yes"], sent_today),
        (p.xa, VI["on_time"], "", sent_today),
    ]:
        expect(units.filter(has_text=unit.name).get_by_role("cell")).to_have_text(
            [unit.code, unit.name, status, generic, sent_at, "", ""]
        )

    # The list of units that have not reported: only UBND tỉnh.
    main.get_by_label(VI["report_status"]).select_option(label=VI["missing"])
    main.get_by_role("button", name=VI["filter"]).click()
    expect(page).to_have_url(re.compile(r"\?status=missing$"))
    expect(units).to_have_count(1)
    expect(units.get_by_role("cell").nth(1)).to_have_text(p.ubnd.name)

    # The round list repeats the rates.
    page.get_by_role("navigation").get_by_role("link", name=VI["reports_menu"]).click()
    row = main.get_by_role("row").filter(has_text=round_title)
    year = p.today.year
    expect(row.get_by_role("cell")).to_have_text(
        [
            round_title,
            "Tỉnh ủy",
            f"01/01/{year} – 31/12/{year}",
            f"{p.round_due_on:%d/%m/%Y}",
            "2/3",
            "66,7%",
            "66,7%",
        ]
    )
