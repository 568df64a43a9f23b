"""Proposing tasks from conclusion notices, action programmes and appendix tables as provincial
committees write them, and matching the units they name to known organizations."""

from __future__ import annotations

from datetime import date

import pytest

from nqtrack.assignments.deadlines import Deadline
from nqtrack.assignments.extraction import (
    KnownOrg,
    ProposedTask,
    extract_tasks,
    extract_tasks_from_table,
    match_org,
)

D = date
REF = D(2025, 8, 20)  # signing date of the notices below, after the July 2025 merger

# A merged province as the caller knows it: full name, short name, abbreviation.
KNOWN = [
    KnownOrg("TU", ("Tỉnh ủy Lào Cai", "Tỉnh ủy", "TU")),
    KnownOrg("VPTU", ("Văn phòng Tỉnh ủy Lào Cai", "Văn phòng Tỉnh ủy", "VPTU")),
    KnownOrg("BTCTU", ("Ban Tổ chức Tỉnh ủy Lào Cai", "Ban Tổ chức Tỉnh ủy", "BTCTU")),
    KnownOrg("UBKTTU", ("Ủy ban Kiểm tra Tỉnh ủy Lào Cai", "Ủy ban Kiểm tra Tỉnh ủy", "UBKTTU")),
    KnownOrg(
        "BTGDVTU",
        (
            "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai",
            "Ban Tuyên giáo và Dân vận Tỉnh ủy",
            "BTGDVTU",
        ),
    ),
    KnownOrg("BNCTU", ("Ban Nội chính Tỉnh ủy Lào Cai", "Ban Nội chính Tỉnh ủy", "BNCTU")),
    KnownOrg("DU-UBND", ("Đảng ủy Ủy ban nhân dân tỉnh Lào Cai", "Đảng ủy UBND tỉnh", "ĐU")),
    KnownOrg("UBND", ("Ủy ban nhân dân tỉnh Lào Cai", "UBND tỉnh", "UBND")),
    KnownOrg("MTTQ", ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lào Cai", "Ủy ban MTTQ tỉnh", "MTTQ")),
    KnownOrg("SKHCN", ("Sở Khoa học và Công nghệ tỉnh Lào Cai", "Sở Khoa học và Công nghệ")),
    KnownOrg("STC", ("Sở Tài chính tỉnh Lào Cai", "Sở Tài chính")),
]

NO_DEADLINE = Deadline("none", None, "Không có thời hạn")
CONTINUOUS = Deadline("continuous", None, "Thường xuyên")


def on(day: date, label: str = "before") -> Deadline:
    text = {"before": "Trước ngày", "no_later": "Chậm nhất ngày"}[label]
    return Deadline("date", day, f"{text} {day:%d/%m/%Y}")


def period(day: date, label: str) -> Deadline:
    return Deadline("period", day, label)


def task(
    text: str,
    lead: str | None,
    lead_code: str | None,
    supporting: tuple[tuple[str, str | None], ...] = (),
    product: str | None = None,
    deadline: Deadline = NO_DEADLINE,
) -> ProposedTask:
    return ProposedTask(
        text=text,
        lead=lead,
        lead_code=lead_code,
        supporting=tuple(name for name, _ in supporting),
        supporting_codes=tuple(code for _, code in supporting),
        product=product,
        deadline=deadline,
    )


# --- Matching unit names ------------------------------------------------------------------------

MATCHES = [
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "BTGDVTU", "short-name"),
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai", "BTGDVTU", "full-name"),
    ("BTGDVTU", "BTGDVTU", "abbreviation"),
    ("ban tuyên giáo và dân vận tỉnh uỷ", "BTGDVTU", "lower-case-and-old-tone-placement"),
    ("Ban Tuyên giáo Tỉnh ủy", "BTGDVTU", "pre-merger-name-goes-to-the-merged-board"),
    ("BTG Tỉnh ủy", "BTGDVTU", "pre-merger-abbreviation"),
    ("Ban Dân vận", "BTGDVTU", "pre-merger-short-name"),
    ("UBND tỉnh", "UBND", "ubnd-tinh"),
    ("Ủy ban nhân dân tỉnh", "UBND", "full-name-without-place"),
    ("Ủy ban nhân dân", "UBND", "completed-with-tinh"),
    ("Ủy ban MTTQ Việt Nam tỉnh", "MTTQ", "mttq-viet-nam-tinh"),
    ("MTTQ tỉnh", "MTTQ", "mttq-alone"),
    ("MTTQVN tỉnh", "MTTQ", "mttqvn"),
    ("Ủy ban Mặt trận Tổ quốc tỉnh", "MTTQ", "without-viet-nam-by-token-overlap"),
    ("UBKT Tỉnh ủy", "UBKTTU", "ubkt"),
    ("Ủy ban Kiểm tra", "UBKTTU", "inspection-commission-short"),
    ("Văn phòng Tỉnh uỷ", "VPTU", "old-tone-placement"),
    ("VPTU", "VPTU", "vptu"),
    ("Ban Tổ chức", "BTCTU", "organization-board-short"),
    ("Đảng ủy Ủy ban nhân dân tỉnh", "DU-UBND", "party-committee-of-the-people-committee"),
    ("Ban cán sự đảng UBND tỉnh", "DU-UBND", "ban-can-su-dang-became-dang-uy-in-2025"),
    ("BCSĐ UBND tỉnh", "DU-UBND", "bcsd-abbreviation"),
    ("Sở KH&CN", "SKHCN", "kh-cn-abbreviation"),
    ("Sở Khoa học và Công nghệ tỉnh", "SKHCN", "department-with-tinh"),
    ("Sở Tài chính", "STC", "finance-department"),
    ("TU", "TU", "tu"),
    ("các cơ quan liên quan", None, "related-agencies-never-match"),
    ("các địa phương", None, "localities-never-match"),
    ("Các cấp ủy, tổ chức đảng", None, "party-committees-never-match"),
    ("Sở Tư pháp", None, "tu-inside-a-word-is-no-abbreviation"),
    ("Ban Tổ chức Huyện ủy", None, "another-level"),
    ("UBND xã", None, "commune-people-committee"),
    ("Ủy ban nhân dân phường Yên Bái", None, "ward-people-committee"),
    ("Ban Chỉ đạo 35 Tỉnh ủy", None, "unknown-steering-committee"),
    ("Hội Nông dân tỉnh", None, "unknown-association"),
    ("", None, "empty"),
]


@pytest.mark.parametrize(("name", "code"), [pytest.param(n, c, id=i) for n, c, i in MATCHES])
def test_unit_names_match_the_known_organization_they_denote(name: str, code: str | None) -> None:
    assert match_org(name, KNOWN) == code


def test_a_name_two_known_organizations_share_matches_neither() -> None:
    known = [*KNOWN, KnownOrg("YB-TU", ("Tỉnh ủy Yên Bái", "Tỉnh ủy", "TU"))]
    assert match_org("Tỉnh ủy", known) is None
    assert match_org("Tỉnh ủy Yên Bái", known) == "YB-TU"
    assert match_org("Tỉnh ủy Lào Cai", known) == "TU"


def test_an_old_name_a_known_organization_still_carries_matches_it_not_its_successor() -> None:
    known = [
        *KNOWN,
        KnownOrg("BTGTU", ("Ban Tuyên giáo Tỉnh ủy Lào Cai", "Ban Tuyên giáo Tỉnh ủy")),
    ]
    assert match_org("Ban Tuyên giáo Tỉnh ủy", known) == "BTGTU"
    assert match_org("Ban Dân vận Tỉnh ủy", known) == "BTGDVTU"


# --- One order --------------------------------------------------------------------------------

BTGDV = "Ban Tuyên giáo và Dân vận Tỉnh ủy"
ORDERS = [
    pytest.param(
        "Giao Ban Tuyên giáo và Dân vận Tỉnh ủy chủ trì, phối hợp với các cơ quan liên quan tham"
        " mưu xây dựng đề án, hoàn thành trước ngày 30/9/2025.",
        REF,
        task(
            "Giao Ban Tuyên giáo và Dân vận Tỉnh ủy chủ trì, phối hợp với các cơ quan liên quan"
            " tham mưu xây dựng đề án, hoàn thành trước ngày 30/9/2025.",
            BTGDV,
            "BTGDVTU",
            (("các cơ quan liên quan", None),),
            "đề án",
            on(D(2025, 9, 30)),
        ),
        id="giao-chu-tri-phoi-hop-voi",
    ),
    pytest.param(
        "Giao Đảng ủy UBND tỉnh lãnh đạo, chỉ đạo rà soát văn bản quy phạm pháp luật của hai"
        " tỉnh trước hợp nhất, hoàn thành trong quý IV/2025.",
        REF,
        task(
            "Giao Đảng ủy UBND tỉnh lãnh đạo, chỉ đạo rà soát văn bản quy phạm pháp luật của hai"
            " tỉnh trước hợp nhất, hoàn thành trong quý IV/2025.",
            "Đảng ủy UBND tỉnh",
            "DU-UBND",
            deadline=period(D(2025, 12, 31), "Quý IV/2025"),
        ),
        id="giao-lanh-dao-chi-dao",
    ),
    pytest.param(
        "Đề nghị Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh tăng cường"
        " giám sát việc thực hiện chính sách đối với cán bộ dôi dư sau sắp xếp.",
        REF,
        task(
            "Đề nghị Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh tăng cường"
            " giám sát việc thực hiện chính sách đối với cán bộ dôi dư sau sắp xếp.",
            "Ủy ban MTTQ Việt Nam tỉnh",
            "MTTQ",
            (("các tổ chức chính trị - xã hội tỉnh", None),),
        ),
        id="de-nghi-front-and-socio-political-organizations",
    ),
    pytest.param(
        "Các cấp ủy, tổ chức đảng tổ chức quán triệt Kết luận này đến cán bộ, đảng viên; thực"
        " hiện thường xuyên.",
        REF,
        task(
            "Các cấp ủy, tổ chức đảng tổ chức quán triệt Kết luận này đến cán bộ, đảng viên; thực"
            " hiện thường xuyên.",
            "Các cấp ủy, tổ chức đảng",
            None,
            deadline=CONTINUOUS,
        ),
        id="generic-party-committees-kept-as-written",
    ),
    pytest.param(
        "Yêu cầu các cấp ủy, tổ chức đảng, Mặt trận Tổ quốc và các tổ chức chính trị - xã hội"
        " các cấp quán triệt, thực hiện nghiêm Kết luận này.",
        REF,
        task(
            "Yêu cầu các cấp ủy, tổ chức đảng, Mặt trận Tổ quốc và các tổ chức chính trị - xã hội"
            " các cấp quán triệt, thực hiện nghiêm Kết luận này.",
            "các cấp ủy, tổ chức đảng, Mặt trận Tổ quốc và các tổ chức chính trị - xã hội các cấp",
            None,
        ),
        id="yeu-cau-a-class-of-units-is-one-lead",
    ),
    pytest.param(
        "Thực hiện Kết luận số 121-KL/TW ngày 24/01/2025 của Ban Chấp hành Trung ương, Ban Tổ"
        " chức Tỉnh ủy tham mưu sắp xếp tổ chức bộ máy các cơ quan đảng, hoàn thành trong quý"
        " III/2025.",
        D(2025, 1, 10),
        task(
            "Thực hiện Kết luận số 121-KL/TW ngày 24/01/2025 của Ban Chấp hành Trung ương, Ban Tổ"
            " chức Tỉnh ủy tham mưu sắp xếp tổ chức bộ máy các cơ quan đảng, hoàn thành trong quý"
            " III/2025.",
            "Ban Tổ chức Tỉnh ủy",
            "BTCTU",
            deadline=period(D(2025, 9, 30), "Quý III/2025"),
        ),
        id="citation-before-the-subject-is-not-the-deadline",
    ),
    pytest.param(
        "Thực hiện Kết luận số 121-KL/TW ngày 24/01/2025 của Bộ Chính trị, giao Văn phòng Tỉnh"
        " ủy chủ trì theo dõi việc thực hiện.",
        D(2025, 1, 10),
        task(
            "Thực hiện Kết luận số 121-KL/TW ngày 24/01/2025 của Bộ Chính trị, giao Văn phòng Tỉnh"
            " ủy chủ trì theo dõi việc thực hiện.",
            "Văn phòng Tỉnh ủy",
            "VPTU",
        ),
        id="citation-date-after-the-reference-is-still-no-deadline",
    ),
    pytest.param(
        "Ban Tuyên giáo và Dân vận Tỉnh ủy chỉ đạo tuyên truyền thường xuyên về chuyển đổi số.",
        REF,
        task(
            "Ban Tuyên giáo và Dân vận Tỉnh ủy chỉ đạo tuyên truyền thường xuyên về chuyển đổi số.",
            BTGDV,
            "BTGDVTU",
            deadline=CONTINUOUS,
        ),
        id="subject-then-chi-dao-thuong-xuyen",
    ),
    pytest.param(
        "Giao Ban Nội chính Tỉnh ủy theo dõi, đôn đốc việc xử lý các vụ việc tồn đọng.",
        REF,
        task(
            "Giao Ban Nội chính Tỉnh ủy theo dõi, đôn đốc việc xử lý các vụ việc tồn đọng.",
            "Ban Nội chính Tỉnh ủy",
            "BNCTU",
        ),
        id="no-deadline",
    ),
    pytest.param(
        "Văn phòng Tỉnh ủy theo dõi, đôn đốc, định kỳ hằng quý báo cáo Thường trực Tỉnh ủy.",
        REF,
        task(
            "Văn phòng Tỉnh ủy theo dõi, đôn đốc, định kỳ hằng quý báo cáo Thường trực Tỉnh ủy.",
            "Văn phòng Tỉnh ủy",
            "VPTU",
            deadline=Deadline("recurring", D(2025, 9, 30), "Hằng quý"),
        ),
        id="theo-doi-don-doc-hang-quy",
    ),
    pytest.param(
        "Sở Tài chính chủ trì, các sở, ngành liên quan phối hợp bố trí kinh phí thực hiện trong"
        " năm 2025.",
        REF,
        task(
            "Sở Tài chính chủ trì, các sở, ngành liên quan phối hợp bố trí kinh phí thực hiện"
            " trong năm 2025.",
            "Sở Tài chính",
            "STC",
            (("các sở, ngành liên quan", None),),
            deadline=period(D(2025, 12, 31), "Năm 2025"),
        ),
        id="x-chu-tri-y-phoi-hop",
    ),
    pytest.param(
        "Ban Thường vụ Tỉnh ủy yêu cầu Ban Nội chính Tỉnh ủy chịu trách nhiệm tham mưu ban hành"
        " Quy chế phối hợp phòng, chống tham nhũng, tiêu cực trong quý IV/2025.",
        REF,
        task(
            "Ban Thường vụ Tỉnh ủy yêu cầu Ban Nội chính Tỉnh ủy chịu trách nhiệm tham mưu ban"
            " hành Quy chế phối hợp phòng, chống tham nhũng, tiêu cực trong quý IV/2025.",
            "Ban Nội chính Tỉnh ủy",
            "BNCTU",
            product="Quy chế phối hợp phòng, chống tham nhũng",
            deadline=period(D(2025, 12, 31), "Quý IV/2025"),
        ),
        id="standing-committee-yeu-cau-chiu-trach-nhiem",
    ),
    pytest.param(
        "Ban Thường vụ Tỉnh ủy thống nhất chủ trương đầu tư Trung tâm hành chính tỉnh, giao Đảng"
        " ủy UBND tỉnh lãnh đạo hoàn thiện hồ sơ, trình Ban Thường vụ Tỉnh ủy trong quý I/2026.",
        REF,
        task(
            "Ban Thường vụ Tỉnh ủy thống nhất chủ trương đầu tư Trung tâm hành chính tỉnh, giao"
            " Đảng ủy UBND tỉnh lãnh đạo hoàn thiện hồ sơ, trình Ban Thường vụ Tỉnh ủy trong quý"
            " I/2026.",
            "Đảng ủy UBND tỉnh",
            "DU-UBND",
            deadline=period(D(2026, 3, 31), "Quý I/2026"),
        ),
        id="endorsement-then-giao-mid-sentence",
    ),
    pytest.param(
        "Giao Ban Tổ chức Tỉnh ủy, Văn phòng Tỉnh ủy tham mưu kiện toàn tổ chức bộ máy trước"
        " ngày 01/10/2025.",
        REF,
        task(
            "Giao Ban Tổ chức Tỉnh ủy, Văn phòng Tỉnh ủy tham mưu kiện toàn tổ chức bộ máy trước"
            " ngày 01/10/2025.",
            "Ban Tổ chức Tỉnh ủy",
            "BTCTU",
            (("Văn phòng Tỉnh ủy", "VPTU"),),
            deadline=on(D(2025, 10, 1)),
        ),
        id="two-units-given-one-order-first-leads",
    ),
    pytest.param(
        "Giao Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với Hội Liên hiệp Phụ nữ tỉnh và"
        " Tỉnh đoàn tổ chức Ngày hội văn hóa các dân tộc trong tháng 12/2025.",
        REF,
        task(
            "Giao Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với Hội Liên hiệp Phụ nữ tỉnh"
            " và Tỉnh đoàn tổ chức Ngày hội văn hóa các dân tộc trong tháng 12/2025.",
            "Sở Văn hóa, Thể thao và Du lịch",
            None,
            (("Hội Liên hiệp Phụ nữ tỉnh", None), ("Tỉnh đoàn", None)),
            deadline=period(D(2025, 12, 31), "Tháng 12/2025"),
        ),
        id="commas-and-va-inside-names-are-kept",
    ),
    pytest.param(
        "Giao Sở KH&CN chủ trì, phối hợp với Sở Tài chính xây dựng Kế hoạch phát triển hạ tầng"
        " số, trình UBND tỉnh trong tháng 10/2025.",
        REF,
        task(
            "Giao Sở KH&CN chủ trì, phối hợp với Sở Tài chính xây dựng Kế hoạch phát triển hạ"
            " tầng số, trình UBND tỉnh trong tháng 10/2025.",
            "Sở KH&CN",
            "SKHCN",
            (("Sở Tài chính", "STC"),),
            "Kế hoạch phát triển hạ tầng số",
            period(D(2025, 10, 31), "Tháng 10/2025"),
        ),
        id="abbreviated-department-and-product",
    ),
    pytest.param(
        "Giao Ban cán sự đảng UBND tỉnh chỉ đạo xây dựng đề án phát triển vùng nguyên liệu, trình"
        " trong quý III/2025.",
        D(2025, 2, 10),
        task(
            "Giao Ban cán sự đảng UBND tỉnh chỉ đạo xây dựng đề án phát triển vùng nguyên liệu,"
            " trình trong quý III/2025.",
            "Ban cán sự đảng UBND tỉnh",
            "DU-UBND",
            product="đề án phát triển vùng nguyên liệu",
            deadline=period(D(2025, 9, 30), "Quý III/2025"),
        ),
        id="ban-can-su-dang-written-before-2025",
    ),
    pytest.param(
        "Giao Ban Nội chính Tỉnh ủy là cơ quan thường trực, tham mưu Ban Thường vụ xây dựng báo"
        " cáo chuyên đề về phòng, chống tham nhũng, tiêu cực.",
        REF,
        task(
            "Giao Ban Nội chính Tỉnh ủy là cơ quan thường trực, tham mưu Ban Thường vụ xây dựng"
            " báo cáo chuyên đề về phòng, chống tham nhũng, tiêu cực.",
            "Ban Nội chính Tỉnh ủy",
            "BNCTU",
            product="báo cáo chuyên đề về phòng, chống tham nhũng",
        ),
        id="la-co-quan-thuong-truc-ends-the-lead",
    ),
    pytest.param(
        "Giao Ban Chỉ đạo 35 Tỉnh ủy chủ trì đấu tranh phản bác các quan điểm sai trái, thù địch.",
        REF,
        task(
            "Giao Ban Chỉ đạo 35 Tỉnh ủy chủ trì đấu tranh phản bác các quan điểm sai trái, thù"
            " địch.",
            "Ban Chỉ đạo 35 Tỉnh ủy",
            None,
        ),
        id="unknown-unit-whose-name-holds-a-verb",
    ),
    pytest.param(
        "Giao Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Văn phòng Tỉnh ủy xây dựng đề án thí"
        " điểm hợp nhất văn phòng cấp ủy với văn phòng HĐND và UBND cấp xã, trình Ban Thường vụ"
        " Tỉnh ủy trong quý IV/2025.",
        REF,
        task(
            "Giao Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Văn phòng Tỉnh ủy xây dựng đề án thí"
            " điểm hợp nhất văn phòng cấp ủy với văn phòng HĐND và UBND cấp xã, trình Ban Thường"
            " vụ Tỉnh ủy trong quý IV/2025.",
            "Ban Tổ chức Tỉnh ủy",
            "BTCTU",
            (("Văn phòng Tỉnh ủy", "VPTU"),),
            "đề án thí điểm hợp nhất văn phòng cấp ủy với văn",
            period(D(2025, 12, 31), "Quý IV/2025"),
        ),
        id="product-cut-to-twelve-words",
    ),
]


@pytest.mark.parametrize(("text", "ref", "expected"), ORDERS)
def test_one_order_gives_one_task_with_its_units_product_and_deadline(
    text: str, ref: date, expected: ProposedTask
) -> None:
    assert extract_tasks(text, ref, KNOWN) == [expected]


NO_TASKS = [
    pytest.param(
        "Tại phiên họp ngày 15/8/2025, sau khi nghe Ban Tổ chức Tỉnh ủy báo cáo kết quả sắp xếp"
        " tổ chức bộ máy, Ban Thường vụ Tỉnh ủy kết luận như sau:",
        id="preamble",
    ),
    pytest.param(
        "Ban Thường vụ Tỉnh ủy cơ bản thống nhất với Báo cáo của Ban Tổ chức Tỉnh ủy về công tác"
        " cán bộ.",
        id="endorsement",
    ),
    pytest.param(
        "UBND tỉnh, các địa phương, đơn vị đã thực hiện nghiêm túc báo cáo tự rà soát, thể hiện"
        " ý thức chấp hành nghiêm sự chỉ đạo của Thường trực, Ban Thường vụ Tỉnh uỷ.",
        id="assessment-in-the-past",
    ),
    pytest.param(
        "Các văn bản xây dựng và ban hành cơ bản đảm bảo đúng thời gian, quy trình, quy định.",
        id="documents-are-no-units",
    ),
    pytest.param("II. NHIỆM VỤ, GIẢI PHÁP", id="heading"),
    pytest.param(
        "Trong năm 2018, Tổ rà soát đã chủ động xây dựng kế hoạch hoạt động; tiến hành nghiên"
        " cứu các nội dung và phân công 03 nhóm thực hiện rà soát các kết luận.",
        id="review-team-narrative",
    ),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("text", NO_TASKS)
def test_text_without_an_order_proposes_no_task(text: str) -> None:
    assert extract_tasks(text, REF, KNOWN) == []


# --- Whole documents --------------------------------------------------------------------------

NOTICE = """\
Tại phiên họp ngày 15/8/2025, sau khi nghe Ban Tổ chức Tỉnh ủy báo cáo kết quả sắp xếp tổ chức \
bộ máy sau hợp nhất, Ban Thường vụ Tỉnh ủy kết luận như sau:
Ban Thường vụ Tỉnh ủy đánh giá cao sự chủ động của các cơ quan tham mưu; việc sắp xếp đã hoàn \
thành đúng tiến độ Trung ương yêu cầu. Tuy nhiên, một số nơi còn lúng túng trong bố trí cán bộ.
1. Thực hiện Kết luận số 121-KL/TW ngày 24/01/2025 của Ban Chấp hành Trung ương, giao Ban Tổ \
chức Tỉnh ủy chủ trì, phối hợp với Văn phòng Tỉnh ủy và các cơ quan liên quan tham mưu xây dựng \
Đề án sắp xếp đội ngũ cán bộ cấp xã, trình Ban Thường vụ Tỉnh ủy trước ngày 30/9/2025.
2. Giao Đảng ủy UBND tỉnh lãnh đạo, chỉ đạo UBND tỉnh bố trí kinh phí bảo đảm hoạt động của \
các đảng ủy xã, phường; hoàn thành trong quý IV/2025.
3. Đề nghị Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh tăng cường giám \
sát việc thực hiện chính sách đối với cán bộ dôi dư, báo cáo kết quả hằng quý.
4. Các cấp ủy, tổ chức đảng tổ chức quán triệt Kết luận này đến cán bộ, đảng viên; thực hiện \
thường xuyên.
5. Về công tác tuyên truyền: Ban Thường vụ Tỉnh ủy ghi nhận nhiều cách làm hay. Ban Tuyên giáo \
và Dân vận Tỉnh ủy chủ trì tuyên truyền về tổ chức bộ máy mới. Giao Sở Khoa học và Công nghệ chủ \
trì, phối hợp với Sở Tài chính xây dựng kế hoạch chuyển đổi số trong các cơ quan đảng, hoàn \
thành trong tháng 11/2025.
6. Giao Ủy ban Kiểm tra Tỉnh ủy theo dõi, đôn đốc, kiểm tra việc thực hiện Kết luận này.
Thời hạn báo cáo: trước ngày 15/12/2025.
7. Ban Thường vụ Tỉnh ủy yêu cầu Ban Nội chính Tỉnh ủy chịu trách nhiệm tham mưu ban hành Quy \
chế phối hợp giữa các cơ quan nội chính tỉnh trong quý IV năm 2025.
"""


def test_a_conclusion_notice_gives_its_orders_in_document_order() -> None:
    assert extract_tasks(NOTICE, REF, KNOWN) == [
        task(
            "Thực hiện Kết luận số 121-KL/TW ngày 24/01/2025 của Ban Chấp hành Trung ương, giao"
            " Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Văn phòng Tỉnh ủy và các cơ quan liên quan"
            " tham mưu xây dựng Đề án sắp xếp đội ngũ cán bộ cấp xã, trình Ban Thường vụ Tỉnh ủy"
            " trước ngày 30/9/2025.",
            "Ban Tổ chức Tỉnh ủy",
            "BTCTU",
            (("Văn phòng Tỉnh ủy", "VPTU"), ("các cơ quan liên quan", None)),
            "Đề án sắp xếp đội ngũ cán bộ cấp xã",
            on(D(2025, 9, 30)),
        ),
        task(
            "Giao Đảng ủy UBND tỉnh lãnh đạo, chỉ đạo UBND tỉnh bố trí kinh phí bảo đảm hoạt động"
            " của các đảng ủy xã, phường; hoàn thành trong quý IV/2025.",
            "Đảng ủy UBND tỉnh",
            "DU-UBND",
            deadline=period(D(2025, 12, 31), "Quý IV/2025"),
        ),
        task(
            "Đề nghị Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh tăng cường"
            " giám sát việc thực hiện chính sách đối với cán bộ dôi dư, báo cáo kết quả hằng quý.",
            "Ủy ban MTTQ Việt Nam tỉnh",
            "MTTQ",
            (("các tổ chức chính trị - xã hội tỉnh", None),),
            deadline=Deadline("recurring", D(2025, 9, 30), "Hằng quý"),
        ),
        task(
            "Các cấp ủy, tổ chức đảng tổ chức quán triệt Kết luận này đến cán bộ, đảng viên; thực"
            " hiện thường xuyên.",
            "Các cấp ủy, tổ chức đảng",
            None,
            deadline=CONTINUOUS,
        ),
        task(
            "Ban Tuyên giáo và Dân vận Tỉnh ủy chủ trì tuyên truyền về tổ chức bộ máy mới.",
            BTGDV,
            "BTGDVTU",
        ),
        task(
            "Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Tài chính xây dựng kế hoạch"
            " chuyển đổi số trong các cơ quan đảng, hoàn thành trong tháng 11/2025.",
            "Sở Khoa học và Công nghệ",
            "SKHCN",
            (("Sở Tài chính", "STC"),),
            "kế hoạch chuyển đổi số trong các cơ quan đảng",
            period(D(2025, 11, 30), "Tháng 11/2025"),
        ),
        task(
            "Giao Ủy ban Kiểm tra Tỉnh ủy theo dõi, đôn đốc, kiểm tra việc thực hiện Kết luận này."
            " Thời hạn báo cáo: trước ngày 15/12/2025.",
            "Ủy ban Kiểm tra Tỉnh ủy",
            "UBKTTU",
            deadline=on(D(2025, 12, 15)),
        ),
        task(
            "Ban Thường vụ Tỉnh ủy yêu cầu Ban Nội chính Tỉnh ủy chịu trách nhiệm tham mưu ban"
            " hành Quy chế phối hợp giữa các cơ quan nội chính tỉnh trong quý IV năm 2025.",
            "Ban Nội chính Tỉnh ủy",
            "BNCTU",
            product="Quy chế phối hợp giữa các cơ quan nội chính tỉnh",
            deadline=period(D(2025, 12, 31), "Quý IV/2025"),
        ),
    ]


PROGRAMME = """\
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Quán triệt sâu sắc nội dung Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.
2. Yêu cầu
- Các cấp ủy, tổ chức đảng phải xác định đây là nhiệm vụ trọng tâm, thường xuyên.
II. NHIỆM VỤ, GIẢI PHÁP
1. Nâng cao nhận thức, đột phá về đổi mới tư duy
- Các cấp ủy, tổ chức đảng tổ chức quán triệt, học tập Nghị quyết, hoàn thành trong quý I/2025.
- Tăng cường tuyên truyền trên các phương tiện thông tin đại chúng; thực hiện thường xuyên.
2. Hoàn thiện thể chế
Đảng ủy UBND tỉnh lãnh đạo, chỉ đạo thực hiện các nhiệm vụ sau, hoàn thành trong năm 2025:
a) Rà soát, sửa đổi các quy định của tỉnh về khoa học, công nghệ trước ngày 30/6/2025.
b) Xây dựng Đề án phát triển hạ tầng số.
3. Giao Sở KH&CN chủ trì, phối hợp với Sở Tài chính, các sở, ngành và địa phương tham mưu ban \
hành Kế hoạch phát triển thị trường khoa học và công nghệ, trình UBND tỉnh trong tháng 5/2025.
III. TỔ CHỨC THỰC HIỆN
1. Các cấp ủy, tổ chức đảng căn cứ Chương trình này xây dựng kế hoạch thực hiện, hoàn thành \
trước ngày 15/4/2025.
2. Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Ban Tổ chức Tỉnh ủy hướng dẫn, theo dõi việc \
thực hiện.
3. Văn phòng Tỉnh ủy theo dõi, đôn đốc, định kỳ hằng năm báo cáo Ban Thường vụ Tỉnh ủy.
Chương trình này được phổ biến đến chi bộ.
"""


def test_an_action_programme_gives_its_tasks_and_skips_purposes_and_group_headings() -> None:
    dang_uy = ("Đảng ủy UBND tỉnh", "DU-UBND")
    assert extract_tasks(PROGRAMME, D(2025, 3, 10), KNOWN) == [
        task(
            "Các cấp ủy, tổ chức đảng tổ chức quán triệt, học tập Nghị quyết, hoàn thành trong quý"
            " I/2025.",
            "Các cấp ủy, tổ chức đảng",
            None,
            deadline=period(D(2025, 3, 31), "Quý I/2025"),
        ),
        task(
            "Tăng cường tuyên truyền trên các phương tiện thông tin đại chúng; thực hiện thường"
            " xuyên.",
            None,
            None,
            deadline=CONTINUOUS,
        ),
        task(
            "Rà soát, sửa đổi các quy định của tỉnh về khoa học, công nghệ trước ngày 30/6/2025.",
            *dang_uy,
            deadline=on(D(2025, 6, 30)),
        ),
        task(
            "Xây dựng Đề án phát triển hạ tầng số.",
            *dang_uy,
            product="Đề án phát triển hạ tầng số",
            deadline=period(D(2025, 12, 31), "Năm 2025"),
        ),
        task(
            "Giao Sở KH&CN chủ trì, phối hợp với Sở Tài chính, các sở, ngành và địa phương tham"
            " mưu ban hành Kế hoạch phát triển thị trường khoa học và công nghệ, trình UBND tỉnh"
            " trong tháng 5/2025.",
            "Sở KH&CN",
            "SKHCN",
            (("Sở Tài chính", "STC"), ("các sở, ngành và địa phương", None)),
            "Kế hoạch phát triển thị trường khoa học và công nghệ",
            period(D(2025, 5, 31), "Tháng 5/2025"),
        ),
        task(
            "Các cấp ủy, tổ chức đảng căn cứ Chương trình này xây dựng kế hoạch thực hiện, hoàn"
            " thành trước ngày 15/4/2025.",
            "Các cấp ủy, tổ chức đảng",
            None,
            product="kế hoạch thực hiện",
            deadline=on(D(2025, 4, 15)),
        ),
        task(
            "Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Ban Tổ chức Tỉnh ủy hướng dẫn, theo dõi"
            " việc thực hiện.",
            "Ban Tuyên giáo Tỉnh ủy",
            "BTGDVTU",
            (("Ban Tổ chức Tỉnh ủy", "BTCTU"),),
        ),
        task(
            "Văn phòng Tỉnh ủy theo dõi, đôn đốc, định kỳ hằng năm báo cáo Ban Thường vụ Tỉnh ủy.",
            "Văn phòng Tỉnh ủy",
            "VPTU",
            deadline=Deadline("recurring", D(2025, 12, 31), "Hằng năm"),
        ),
    ]


def test_an_order_ending_with_a_colon_hands_its_lead_to_the_items_under_it() -> None:
    text = """\
Ban Thường vụ Tỉnh ủy đề nghị Đảng ủy UBND tỉnh tập trung lãnh đạo, chỉ đạo các nhiệm vụ sau:
1. Rà soát, bố trí nguồn lực thực hiện các dự án trọng điểm; hoàn thành trước ngày 31/10/2025.
2. Chỉ đạo Sở Tài chính xây dựng phương án xử lý tài sản công dôi dư.
3. Về công tác cán bộ:
+ Giao cho Ban Tổ chức Tỉnh ủy tham mưu quy hoạch cán bộ nhiệm kỳ 2025 - 2030.
+ Tiếp tục kiện toàn đội ngũ cán bộ cấp xã.
Tại phiên họp, Ban Thường vụ Tỉnh ủy cũng thống nhất:
- Giao nhiệm vụ cho Ban Tuyên giáo và Dân vận Tỉnh ủy hướng dẫn tuyên truyền, xong trước 19/8.
"""
    dang_uy = ("Đảng ủy UBND tỉnh", "DU-UBND")
    assert extract_tasks(text, D(2025, 7, 25), KNOWN) == [
        task(
            "Rà soát, bố trí nguồn lực thực hiện các dự án trọng điểm; hoàn thành trước ngày"
            " 31/10/2025.",
            *dang_uy,
            deadline=on(D(2025, 10, 31)),
        ),
        task(
            "Chỉ đạo Sở Tài chính xây dựng phương án xử lý tài sản công dôi dư.",
            *dang_uy,
            product="phương án xử lý tài sản công dôi dư",
        ),
        task(
            "Giao cho Ban Tổ chức Tỉnh ủy tham mưu quy hoạch cán bộ nhiệm kỳ 2025 - 2030.",
            "Ban Tổ chức Tỉnh ủy",
            "BTCTU",
        ),
        task("Tiếp tục kiện toàn đội ngũ cán bộ cấp xã.", *dang_uy),
        task(
            "Giao nhiệm vụ cho Ban Tuyên giáo và Dân vận Tỉnh ủy hướng dẫn tuyên truyền, xong"
            " trước 19/8.",
            BTGDV,
            "BTGDVTU",
            deadline=on(D(2025, 8, 19)),
        ),
    ]


def test_an_item_with_several_orders_gives_one_task_per_order() -> None:
    text = (
        "4. Các cấp ủy báo cáo kết quả hằng năm; Ban Tuyên giáo và Dân vận Tỉnh ủy tham mưu sơ"
        " kết 3 năm vào quý I/2028. Đồng thời, giao Văn phòng Tỉnh ủy theo dõi, đôn đốc."
    )
    assert extract_tasks(text, REF, KNOWN) == [
        task(
            "Các cấp ủy báo cáo kết quả hằng năm",
            "Các cấp ủy",
            None,
            deadline=Deadline("recurring", D(2025, 12, 31), "Hằng năm"),
        ),
        task(
            "Ban Tuyên giáo và Dân vận Tỉnh ủy tham mưu sơ kết 3 năm vào quý I/2028.",
            BTGDV,
            "BTGDVTU",
            deadline=period(D(2028, 3, 31), "Quý I/2028"),
        ),
        task(
            "Đồng thời, giao Văn phòng Tỉnh ủy theo dõi, đôn đốc.",
            "Văn phòng Tỉnh ủy",
            "VPTU",
        ),
    ]


def test_lines_broken_inside_a_sentence_are_read_as_one_paragraph() -> None:
    text = (
        "Tại phiên họp ngày 04/3/2025, sau khi nghe Văn phòng Tỉnh ủy báo cáo, Ban Thường vụ\n"
        "Tỉnh ủy kết luận như sau:\n"
        "1. Giao Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Ủy ban Kiểm tra Tỉnh ủy và\n"
        "Văn phòng Tỉnh ủy tham mưu xây dựng đề án kiện toàn đội ngũ cán bộ cấp xã,\n"
        "hoàn thành trong quý III/2025.\n"
        "2. Ban Nội chính Tỉnh ủy theo dõi việc thực hiện.\n"
    )
    assert extract_tasks(text, D(2025, 3, 10), KNOWN) == [
        task(
            "Giao Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Ủy ban Kiểm tra Tỉnh ủy và Văn phòng"
            " Tỉnh ủy tham mưu xây dựng đề án kiện toàn đội ngũ cán bộ cấp xã, hoàn thành trong"
            " quý III/2025.",
            "Ban Tổ chức Tỉnh ủy",
            "BTCTU",
            (("Ủy ban Kiểm tra Tỉnh ủy", "UBKTTU"), ("Văn phòng Tỉnh ủy", "VPTU")),
            "đề án kiện toàn đội ngũ cán bộ cấp xã",
            period(D(2025, 9, 30), "Quý III/2025"),
        ),
        task(
            "Ban Nội chính Tỉnh ủy theo dõi việc thực hiện.",
            "Ban Nội chính Tỉnh ủy",
            "BNCTU",
        ),
    ]


def test_working_days_skip_the_holidays_the_caller_passes() -> None:
    text = "Giao Văn phòng Tỉnh uỷ tổng hợp ý kiến trong 10 ngày làm việc kể từ ngày ký."
    holidays = frozenset({D(2025, 9, 1), D(2025, 9, 2)})
    assert extract_tasks(text, REF, KNOWN, holidays=holidays) == [
        task(
            text,
            "Văn phòng Tỉnh uỷ",
            "VPTU",
            deadline=Deadline("relative", D(2025, 9, 5), "10 ngày làm việc kể từ ngày ký"),
        )
    ]


def test_sentences_after_an_order_in_a_free_paragraph_do_not_join_it() -> None:
    text = (
        "Giao Đảng ủy UBND tỉnh chỉ đạo lập danh mục dự án ưu tiên, trình trong quý II/2026."
        " Định kỳ sơ kết 3 năm vào tháng 12/2027 và tổng kết vào tháng 12/2030."
    )
    assert extract_tasks(text, REF, KNOWN) == [
        task(
            "Giao Đảng ủy UBND tỉnh chỉ đạo lập danh mục dự án ưu tiên, trình trong quý II/2026.",
            "Đảng ủy UBND tỉnh",
            "DU-UBND",
            deadline=period(D(2026, 6, 30), "Quý II/2026"),
        )
    ]


SEED_REVIEW = """\
Qua rà soát việc thực hiện các nội dung công việc được Ban Thường vụ, Thường trực Tỉnh uỷ chỉ \
đạo và giao nhiệm vụ trực tiếp cho các đơn vị, nhận thấy, các cấp uỷ, tổ chức đảng, cơ quan, đơn \
vị đã chỉ đạo quán triệt và triển khai thực hiện nghiêm túc các Thông báo kết luận.
Các cấp uỷ, tổ chức đảng, địa phương, lãnh đạo các cơ quan, đơn vị đã tích cực, chủ động hơn \
trong việc thực hiện nhiệm vụ được giao; có nhiều đổi mới trong chỉ đạo, điều hành.
Nhằm nắm bắt việc cụ thể hoá và triển khai thực hiện các Thông báo kết luận, Thường trực Tỉnh uỷ \
đã thành lập Tổ rà soát và giao Văn phòng Tỉnh uỷ là cơ quan chủ trì giúp Ban Thường vụ Tỉnh ủy \
rà soát việc thực hiện.
Tuy nhiên, vẫn còn một số đơn vị chấp hành không nghiêm túc chế độ báo cáo tự rà soát; gửi báo \
cáo chậm; nội dung báo cáo còn chung chung.
"""


def test_a_review_team_report_that_only_assesses_proposes_no_task() -> None:
    assert extract_tasks(SEED_REVIEW, D(2018, 12, 31), KNOWN) == []


# --- Appendix tables --------------------------------------------------------------------------

HEADER = [
    "STT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Sản phẩm",
    "Thời gian",
]
SECTION = "II. LĨNH VỰC KHOA HỌC, CÔNG NGHỆ"
TABLE = [
    HEADER,
    ["I", "LĨNH VỰC XÂY DỰNG ĐẢNG", "", "", "", ""],
    [
        "1",
        "Xây dựng Đề án sắp xếp, tinh gọn tổ chức bộ máy các cơ quan Đảng",
        "Ban Tổ chức Tỉnh ủy",
        "Văn phòng Tỉnh ủy; Đảng ủy UBND tỉnh",
        "Đề án",
        "Quý III/2025",
    ],
    [
        "2",
        "Tuyên truyền Nghị quyết trên các phương tiện thông tin đại chúng",
        "BTG Tỉnh ủy",
        "Ủy ban MTTQ Việt Nam tỉnh, các cơ quan báo chí",
        "",
        "Thường xuyên",
    ],
    [SECTION] * 6,
    [
        "3",
        "Ban hành Kế hoạch phát triển khoa học, công nghệ giai đoạn 2025-2030",
        "UBND tỉnh",
        "Sở KH&CN, Sở Tài chính",
        "",
        "2025",
    ],
    ["4", "", "Sở Tài chính", "", "", ""],
    ["5", "Bố trí kinh phí   thực hiện\nChương trình", "Sở Tài chính", "", "Quyết định", ""],
]


def test_an_appendix_table_gives_one_task_per_row_with_content() -> None:
    assert extract_tasks_from_table(TABLE, D(2025, 3, 10), KNOWN) == [
        task(
            "Xây dựng Đề án sắp xếp, tinh gọn tổ chức bộ máy các cơ quan Đảng",
            "Ban Tổ chức Tỉnh ủy",
            "BTCTU",
            (("Văn phòng Tỉnh ủy", "VPTU"), ("Đảng ủy UBND tỉnh", "DU-UBND")),
            "Đề án",
            period(D(2025, 9, 30), "Quý III/2025"),
        ),
        task(
            "Tuyên truyền Nghị quyết trên các phương tiện thông tin đại chúng",
            "BTG Tỉnh ủy",
            "BTGDVTU",
            (("Ủy ban MTTQ Việt Nam tỉnh", "MTTQ"), ("các cơ quan báo chí", None)),
            deadline=CONTINUOUS,
        ),
        task(
            "Ban hành Kế hoạch phát triển khoa học, công nghệ giai đoạn 2025-2030",
            "UBND tỉnh",
            "UBND",
            (("Sở KH&CN", "SKHCN"), ("Sở Tài chính", "STC")),
            "Kế hoạch phát triển khoa học",
            period(D(2025, 12, 31), "Năm 2025"),
        ),
        task(
            "Bố trí kinh phí thực hiện Chương trình",
            "Sở Tài chính",
            "STC",
            product="Quyết định",
        ),
    ]


def test_table_columns_are_found_by_their_folded_header_words_in_any_order() -> None:
    rows = [
        ["Thời hạn hoàn thành", "Đơn vị phối hợp", "Đơn vị chủ trì", "TT", "Nội dung công việc"],
        [
            "Trước ngày 30/6/2025",
            "Sở Tài chính",
            "Văn phòng Tỉnh ủy",
            "1",
            "1. Số hóa hồ sơ lưu trữ",
        ],
    ]
    assert extract_tasks_from_table(rows, D(2025, 3, 10), KNOWN) == [
        task(
            "Số hóa hồ sơ lưu trữ",
            "Văn phòng Tỉnh ủy",
            "VPTU",
            (("Sở Tài chính", "STC"),),
            deadline=on(D(2025, 6, 30)),
        )
    ]


def test_a_table_without_a_content_column_or_rows_gives_no_task() -> None:
    assert extract_tasks_from_table([["STT", "Họ và tên", "Chức vụ"], ["1", "A", "B"]], REF) == []
    assert extract_tasks_from_table([], REF) == []
