"""Reading deadlines as Party documents write them: dates, periods, spans, recurrences, traps."""

from __future__ import annotations

from datetime import date

import pytest

from nqtrack.assignments.deadlines import Deadline, add_working_days, parse_deadline

D = date
REF = D(2025, 3, 20)  # a Thursday
HOLIDAYS = frozenset({D(2025, 4, 30), D(2025, 5, 1)})
SENTENCE = (
    "Giao Ban Tuyên giáo và Dân vận Tỉnh ủy chủ trì, phối hợp với các cơ quan liên quan tham mưu"
    " xây dựng đề án, hoàn thành trước ngày 30/6/2025."
)
CITING = (
    "Thực hiện Kết luận số 121-KL/TW ngày 24/01/2025 của Bộ Chính trị, Ban Tổ chức Tỉnh ủy tham"
    " mưu sắp xếp tổ chức bộ máy, hoàn thành trong quý III/2025."
)
MEETING = (
    "Tại phiên họp ngày 15/3/2025, sau khi nghe Ban Tổ chức Tỉnh ủy báo cáo, Ban Thường vụ yêu"
    " cầu các cấp ủy thường xuyên quán triệt, theo dõi việc thực hiện."
)


def case(text: str, kind: str, due: date | None, label: str, id: str, ref: date = REF) -> object:
    return pytest.param(text, ref, Deadline(kind, due, label), id=id)


DATES = [
    case("trước ngày 30/6/2025", "date", D(2025, 6, 30), "Trước ngày 30/06/2025", "truoc-ngay"),
    case(
        "chậm nhất ngày 15/10/2025",
        "date",
        D(2025, 10, 15),
        "Chậm nhất ngày 15/10/2025",
        "cham-nhat-ngay",
    ),
    case("trước 15/6/2025", "date", D(2025, 6, 15), "Trước ngày 15/06/2025", "truoc-without-ngay"),
    case("Trước ngày 30-6-2025", "date", D(2025, 6, 30), "Trước ngày 30/06/2025", "dashes"),
    case("trước ngày 30.6.2025", "date", D(2025, 6, 30), "Trước ngày 30/06/2025", "dots"),
    case("trước ngày 30–6–2025", "date", D(2025, 6, 30), "Trước ngày 30/06/2025", "en-dashes"),
    case(
        "trước ngày 30 tháng 6 năm 2025",
        "date",
        D(2025, 6, 30),
        "Trước ngày 30/06/2025",
        "written-out-date",
    ),
    case(
        "hoàn thành trước ngày 10/6",
        "date",
        D(2025, 6, 10),
        "Trước ngày 10/06/2025",
        "year-from-reference",
    ),
    case(
        "hoàn thành trước ngày 10/6",
        "date",
        D(2025, 6, 10),
        "Trước ngày 10/06/2025",
        "year-from-reference-even-when-already-past",
        ref=D(2025, 8, 1),
    ),
    case(
        "Chậm nhất là ngày 05/01/2026 gửi báo cáo về Văn phòng Tỉnh ủy.",
        "date",
        D(2026, 1, 5),
        "Chậm nhất ngày 05/01/2026",
        "cham-nhat-la-ngay",
    ),
    case(
        "Thời hạn hoàn thành: ngày 31/12/2025.",
        "date",
        D(2025, 12, 31),
        "Chậm nhất ngày 31/12/2025",
        "thoi-han-hoan-thanh",
    ),
    case(
        "Triển khai từ ngày 01/7/2025 đến ngày 31/12/2025.",
        "date",
        D(2025, 12, 31),
        "Đến ngày 31/12/2025",
        "from-to-takes-the-end",
    ),
    case(SENTENCE, "date", D(2025, 6, 30), "Trước ngày 30/06/2025", "whole-sentence"),
    case(
        "Báo cáo sơ bộ trước ngày 15/5/2025; hoàn thành trước ngày 30/6/2025.",
        "date",
        D(2025, 6, 30),
        "Trước ngày 30/06/2025",
        "two-steps-end-with-the-last",
    ),
    case(
        "Hoàn thành trong quý III/2025, trình Ban Thường vụ trước ngày 15/9/2025.",
        "date",
        D(2025, 9, 15),
        "Trước ngày 15/09/2025",
        "a-date-inside-its-period-refines-it",
    ),
    case(
        "Tổ chức tổng kết ngày 20/12/2025.",
        "date",
        D(2025, 12, 20),
        "Ngày 20/12/2025",
        "bare-future-date",
    ),
]

PERIODS = [
    case("quý III/2025", "period", D(2025, 9, 30), "Quý III/2025", "quarter-roman"),
    case("quý 2/2021", "period", D(2021, 6, 30), "Quý II/2021", "quarter-digit"),
    case("(cuối) quý 2/2021", "period", D(2021, 6, 30), "Quý II/2021", "quarter-cuoi"),
    case("trong quý I năm 2025", "period", D(2025, 3, 31), "Quý I/2025", "quarter-nam"),
    case("Quý IV-2025", "period", D(2025, 12, 31), "Quý IV/2025", "quarter-dash-year"),
    case("trong quý II", "period", D(2025, 6, 30), "Quý II/2025", "quarter-not-a-day"),
    case("quý III", "period", D(2025, 9, 30), "Quý III/2025", "quarter-without-year"),
    case(
        "trong quý III và quý IV năm 2025",
        "period",
        D(2025, 12, 31),
        "Quý IV/2025",
        "several-quarters-end-with-the-last",
    ),
    case("tháng 6/2025", "period", D(2025, 6, 30), "Tháng 6/2025", "month-slash"),
    case("trong tháng 8-2025", "period", D(2025, 8, 31), "Tháng 8/2025", "month-dash"),
    case("tháng 3.2021", "period", D(2021, 3, 31), "Tháng 3/2021", "month-dot"),
    case("tháng 8", "period", D(2025, 8, 31), "Tháng 8/2025", "month-without-year"),
    case("tháng 2/2024", "period", D(2024, 2, 29), "Tháng 2/2024", "leap-february"),
    case("tháng 2/2025", "period", D(2025, 2, 28), "Tháng 2/2025", "common-february"),
    case(
        "trong tháng 11, tháng 12 năm 2025",
        "period",
        D(2025, 12, 31),
        "Tháng 12/2025",
        "several-months-end-with-the-last",
    ),
    case(
        "từ tháng 6 đến tháng 9/2025",
        "period",
        D(2025, 9, 30),
        "Tháng 9/2025",
        "month-range",
    ),
    case(
        "6 tháng đầu năm 2025",
        "period",
        D(2025, 6, 30),
        "6 tháng đầu năm 2025",
        "first-half",
    ),
    case(
        "6 tháng cuối năm 2025",
        "period",
        D(2025, 12, 31),
        "6 tháng cuối năm 2025",
        "second-half",
    ),
    case(
        "sơ kết 9 tháng đầu năm",
        "period",
        D(2025, 9, 30),
        "9 tháng đầu năm 2025",
        "nine-months-without-year",
    ),
    case("năm 2025", "period", D(2025, 12, 31), "Năm 2025", "year"),
    case("trong năm 2025", "period", D(2025, 12, 31), "Năm 2025", "trong-nam"),
    case("từ nay đến hết năm 2025", "period", D(2025, 12, 31), "Năm 2025", "den-het-nam"),
    case(
        "Phấn đấu đến năm 2030, 100% chi bộ sinh hoạt chuyên đề.",
        "period",
        D(2030, 12, 31),
        "Năm 2030",
        "den-nam-target",
    ),
    case(
        "Giai đoạn 2021 - 2025",
        "period",
        D(2025, 12, 31),
        "Giai đoạn 2021–2025",
        "giai-doan",
    ),
    case(CITING, "period", D(2025, 9, 30), "Quý III/2025", "cited-date-is-not-the-deadline"),
]

RELATIVES = [
    case(
        "trong 30 ngày kể từ ngày ký",
        "relative",
        D(2025, 4, 19),
        "30 ngày kể từ ngày ký",
        "calendar-days",
    ),
    case("trong vòng 15 ngày", "relative", D(2025, 4, 4), "Trong 15 ngày", "trong-vong-days"),
    case(
        "30 ngày làm việc kể từ ngày ký",
        "relative",
        D(2025, 5, 1),
        "30 ngày làm việc kể từ ngày ký",
        "working-days",
    ),
    case(
        "Trong 05 ngày làm việc",
        "relative",
        D(2025, 3, 28),  # from a Friday: Monday 24 to Friday 28
        "Trong 5 ngày làm việc",
        "working-days-across-a-weekend",
        ref=D(2025, 3, 21),
    ),
    case(
        "03 tháng kể từ ngày ban hành",
        "relative",
        D(2025, 6, 20),
        "3 tháng kể từ ngày ban hành",
        "months",
    ),
    case(
        "01 tháng kể từ ngày ký",
        "relative",
        D(2025, 2, 28),
        "1 tháng kể từ ngày ký",
        "months-clamped-to-month-end",
        ref=D(2025, 1, 31),
    ),
    case(
        "trong 2 tuần",
        "relative",
        D(2025, 4, 3),
        "Trong 2 tuần",
        "weeks",
    ),
    case(
        "trong 30 ngày kể từ ngày 01/7/2025",
        "relative",
        D(2025, 7, 31),
        "30 ngày kể từ ngày 01/07/2025",
        "counted-from-a-written-date",
    ),
    case(
        "Các cấp ủy báo cáo kết quả chậm nhất 15 ngày kể từ ngày nhận được văn bản.",
        "relative",
        D(2025, 4, 4),
        "15 ngày kể từ ngày nhận được",
        "from-receipt",
    ),
]

RECURRING = [
    case("hằng năm", "recurring", D(2025, 12, 31), "Hằng năm", "hang-nam"),
    case("Hàng năm", "recurring", D(2025, 12, 31), "Hằng năm", "hang-nam-other-tone"),
    case("HẰNG NĂM", "recurring", D(2025, 12, 31), "Hằng năm", "hang-nam-capitals"),
    case(
        "hằng năm",
        "recurring",
        D(2026, 12, 31),
        "Hằng năm",
        "yearly-from-the-last-day-of-the-year",
        ref=D(2025, 12, 31),
    ),
    case("hằng quý", "recurring", D(2025, 3, 31), "Hằng quý", "hang-quy"),
    case(
        "Định kỳ hằng quý báo cáo Ban Thường vụ",
        "recurring",
        D(2025, 6, 30),
        "Hằng quý",
        "quarterly-from-a-quarter-end",
        ref=D(2025, 3, 31),
    ),
    case("định kỳ 6 tháng", "recurring", D(2025, 6, 30), "Định kỳ 6 tháng", "half-yearly"),
    case(
        "6 tháng một lần",
        "recurring",
        D(2025, 12, 31),
        "Định kỳ 6 tháng",
        "six-months-once",
        ref=D(2025, 7, 2),
    ),
    case("hằng tháng", "recurring", D(2025, 3, 31), "Hằng tháng", "monthly"),
    case(
        "hằng năm, trước ngày 15/12",
        "recurring",
        D(2025, 12, 15),
        "Hằng năm, trước ngày 15/12",
        "yearly-on-a-day",
    ),
    case(
        "hằng năm, trước ngày 15/12",
        "recurring",
        D(2026, 12, 15),
        "Hằng năm, trước ngày 15/12",
        "yearly-on-a-day-already-past",
        ref=D(2025, 12, 20),
    ),
    case(
        "Báo cáo trước ngày 25 hằng tháng",
        "recurring",
        D(2025, 3, 25),
        "Hằng tháng, trước ngày 25",
        "monthly-on-a-day",
    ),
    case(
        "Định kỳ hằng quý (trước ngày 15/3, 15/6, 15/9, 15/12)",
        "recurring",
        D(2025, 6, 15),
        "Hằng quý, trước ngày 15/03, 15/06, 15/09, 15/12",
        "quarterly-on-listed-days",
    ),
    case(
        "Báo cáo trước ngày 10/6 hằng năm",
        "recurring",
        D(2025, 6, 10),
        "Hằng năm, trước ngày 10/06",
        "yearly-with-the-day-first",
    ),
    case(
        "Thường xuyên; định kỳ 6 tháng, hằng năm báo cáo",
        "recurring",
        D(2025, 6, 30),
        "Định kỳ 6 tháng",
        "several-recurrences-take-the-earliest",
    ),
]

CONTINUOUS = [
    case("thường xuyên", "continuous", None, "Thường xuyên", "thuong-xuyen"),
    case("Trong suốt nhiệm kỳ", "continuous", None, "Trong suốt nhiệm kỳ", "suot-nhiem-ky"),
    case("liên tục", "continuous", None, "Liên tục", "lien-tuc"),
    case("lâu dài", "continuous", None, "Lâu dài", "lau-dai"),
    case("THƯỜNG XUYÊN", "continuous", None, "Thường xuyên", "capitals"),
    case(MEETING, "continuous", None, "Thường xuyên", "meeting-date-is-not-the-deadline"),
    case(
        "Thường xuyên theo dõi; tổ chức sơ kết trong quý IV/2025.",
        "period",
        D(2025, 12, 31),
        "Quý IV/2025",
        "an-explicit-deadline-beats-continuous",
    ),
]

NONE = [
    case("", "none", None, "Không có thời hạn", "empty"),
    case(
        "Các cấp ủy quán triệt, triển khai thực hiện nghiêm túc.",
        "none",
        None,
        "Không có thời hạn",
        "no-cue",
    ),
    case("trước ngày 31/6/2025", "none", None, "Không có thời hạn", "impossible-date"),
    case("trước ngày 29/2/2025", "none", None, "Không có thời hạn", "no-29-february-in-2025"),
    case(
        "Thực hiện Kết luận số 121-KL/TW, ngày 24/12/2025 của Bộ Chính trị.",
        "none",
        None,
        "Không có thời hạn",
        "future-cited-date-is-not-a-deadline",
    ),
    case(
        "Thực hiện Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị.",
        "none",
        None,
        "Không có thời hạn",
        "written-out-cited-date-is-not-a-period",
    ),
    case(
        "Triển khai Luật Đất đai năm 2024.",
        "none",
        None,
        "Không có thời hạn",
        "a-law-year-is-not-a-period",
    ),
    case(
        "Tổ chức hội nghị ngày 10/01/2025.",
        "none",
        None,
        "Không có thời hạn",
        "bare-past-date",
    ),
    case("Quỹ 1 hỗ trợ hội viên", "none", None, "Không có thời hạn", "a-fund-is-not-a-quarter"),
    case(
        "Thực hiện theo khoản 1.2 mục II.",
        "none",
        None,
        "Không có thời hạn",
        "clause-number-is-not-a-date",
    ),
    case(
        "Báo cáo số liệu tính đến ngày 30/6/2025.",
        "none",
        None,
        "Không có thời hạn",
        "a-cut-off-date-is-not-a-deadline",
    ),
    case(
        "Ban Thường vụ họp ngày 15/4/2025 cho ý kiến.",
        "none",
        None,
        "Không có thời hạn",
        "future-meeting-date",
    ),
]


@pytest.mark.parametrize(("text", "ref", "expected"), DATES)
def test_a_marked_date_is_the_deadline(text: str, ref: date, expected: Deadline) -> None:
    assert parse_deadline(text, ref) == expected


@pytest.mark.parametrize(("text", "ref", "expected"), PERIODS)
def test_a_period_is_due_on_its_last_day(text: str, ref: date, expected: Deadline) -> None:
    assert parse_deadline(text, ref) == expected


@pytest.mark.parametrize(("text", "ref", "expected"), RELATIVES)
def test_a_span_counts_from_the_reference_date(text: str, ref: date, expected: Deadline) -> None:
    assert parse_deadline(text, ref) == expected


@pytest.mark.parametrize(("text", "ref", "expected"), RECURRING)
def test_a_recurring_task_is_due_at_its_next_occurrence(
    text: str, ref: date, expected: Deadline
) -> None:
    assert parse_deadline(text, ref) == expected


@pytest.mark.parametrize(("text", "ref", "expected"), CONTINUOUS)
def test_a_continuous_task_has_no_due_date(text: str, ref: date, expected: Deadline) -> None:
    assert parse_deadline(text, ref) == expected


@pytest.mark.parametrize(("text", "ref", "expected"), NONE)
def test_a_text_without_a_deadline_gives_none(text: str, ref: date, expected: Deadline) -> None:
    assert parse_deadline(text, ref) == expected


def test_working_days_skip_the_holidays_given() -> None:
    found = parse_deadline("05 ngày làm việc kể từ ngày ký", D(2025, 4, 25), holidays=HOLIDAYS)
    assert found == Deadline("relative", D(2025, 5, 6), "5 ngày làm việc kể từ ngày ký")


def test_calendar_days_ignore_the_holidays_given() -> None:
    found = parse_deadline("trong 7 ngày kể từ ngày ký", D(2025, 4, 25), holidays=HOLIDAYS)
    assert found.due_on == D(2025, 5, 2)


@pytest.mark.parametrize(
    ("start", "days", "holidays", "expected"),
    [
        pytest.param(D(2025, 3, 20), 1, frozenset(), D(2025, 3, 21), id="thursday-to-friday"),
        pytest.param(D(2025, 3, 21), 1, frozenset(), D(2025, 3, 24), id="friday-over-weekend"),
        pytest.param(D(2025, 3, 22), 1, frozenset(), D(2025, 3, 24), id="from-a-saturday"),
        pytest.param(D(2025, 3, 21), 0, frozenset(), D(2025, 3, 21), id="zero-days"),
        pytest.param(D(2025, 4, 29), 1, HOLIDAYS, D(2025, 5, 2), id="over-two-holidays"),
        pytest.param(D(2025, 4, 25), 5, HOLIDAYS, D(2025, 5, 6), id="weekend-and-holidays"),
        pytest.param(D(2025, 3, 24), -1, frozenset(), D(2025, 3, 21), id="backwards"),
    ],
)
def test_working_days_skip_weekends_and_holidays(
    start: date, days: int, holidays: frozenset[date], expected: date
) -> None:
    assert add_working_days(start, days, holidays) == expected


def test_decomposed_unicode_reads_like_composed() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "Hằng năm, trước ngày 15/12")
    assert parse_deadline(text, REF).label == "Hằng năm, trước ngày 15/12"
