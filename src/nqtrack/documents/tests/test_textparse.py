"""Reading document text: the document's own header and the documents it cites."""

from __future__ import annotations

from datetime import date

import pytest

from nqtrack.documents.textparse import (
    Citation,
    DocumentHeader,
    find_citations,
    parse_date_phrase,
    parse_document_text,
    parse_header,
)

HO_CHI_MINH = "về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
SCIENCE = "về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"

CENTRAL_DIRECTIVE = f"""BAN CHẤP HÀNH TRUNG ƯƠNG
BỘ CHÍNH TRỊ
*
Số 05-CT/TW
ĐẢNG CỘNG SẢN VIỆT NAM
Hà Nội, ngày 15 tháng 5 năm 2016

CHỈ THỊ
{HO_CHI_MINH}
-----
Sau 5 năm thực hiện Chỉ thị số 03-CT/TW ngày 14/5/2011 của Bộ Chính trị ...
"""

SCIENCE_RESOLUTION = """ĐẢNG CỘNG SẢN VIỆT NAM
BAN CHẤP HÀNH TRUNG ƯƠNG
*
Số 57-NQ/TW
Hà Nội, ngày 22 tháng 12 năm 2024

NGHỊ QUYẾT
CỦA BỘ CHÍNH TRỊ
về đột phá phát triển khoa học, công nghệ,
đổi mới sáng tạo và chuyển đổi số quốc gia

I. TÌNH HÌNH VÀ NGUYÊN NHÂN
"""

PROVINCIAL_RESOLUTION = """ĐẢNG CỘNG SẢN VIỆT NAM
TỈNH ỦY HÀ TĨNH
*
Số 10-NQ/TU
Hà Tĩnh, ngày 06 tháng 02 năm 2017
NGHỊ QUYẾT
về phát triển nông nghiệp hàng hóa
gắn với xây dựng nông thôn mới
-----
Thực hiện Nghị quyết số 26-NQ/TW ngày 05/8/2008 của Ban Chấp hành Trung ương ...
"""

REGULATION_NUMBERED_QD = """BAN CHẤP HÀNH TRUNG ƯƠNG
*
Số: 66-QĐ/TW
ĐẢNG CỘNG SẢN VIỆT NAM
Hà Nội, ngày 06 tháng 02 năm 2017
QUY ĐỊNH
về thể loại, thẩm quyền ban hành và thể thức văn bản của Đảng
Căn cứ Điều lệ Đảng;
"""

TWO_COLUMNS_FLATTENED = """ĐẢNG CỘNG SẢN VIỆT NAM
Hà Tĩnh, ngày 03 tháng 8 năm 2019
TỈNH ỦY HÀ TĨNH
*
Số 12-CT/TU

CHỈ THỊ
về tăng cường sự lãnh đạo của Đảng đối với công tác phòng, chống thiên tai
Trong những năm qua, ...
"""

TABBED_ROW = (
    "TỈNH ỦY KON TUM\tĐẢNG CỘNG SẢN VIỆT NAM\n*\n"
    "Số 07-CTHĐ/TU\tKon Tum, ngày 14 tháng 12 năm 2020\n"
    "CHƯƠNG TRÌNH HÀNH ĐỘNG\nthực hiện Nghị quyết Đại hội XV Đảng bộ tỉnh\n\n1. Mục đích\n"
)


def header(
    number: int,
    doc_type: str,
    issuer: str,
    symbol: str,
    signed_on: date | None,
    place: str | None,
    type_name: str | None,
    title: str | None,
) -> DocumentHeader:
    return DocumentHeader(number, doc_type, issuer, symbol, signed_on, place, type_name, title)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ngày 06 tháng 02 năm 2017", date(2017, 2, 6), id="a long Vietnamese date"),
        pytest.param("15/5/2016", date(2016, 5, 15), id="day slash month slash year"),
        pytest.param("15-5-2016", date(2016, 5, 15), id="day hyphen month hyphen year"),
        pytest.param("14.12.2020", date(2020, 12, 14), id="day dot month dot year"),
        pytest.param("Hà Nội, ngày 15 tháng 5 năm 2016", date(2016, 5, 15), id="a date line"),
        pytest.param("NGÀY 1 THÁNG 7 NĂM 2025", date(2025, 7, 1), id="an upper-case date"),
        pytest.param("31/02/2020", None, id="the 31st of February is impossible"),
        pytest.param("ngày 30 tháng 13 năm 2020", None, id="a thirteenth month is impossible"),
        pytest.param("29/02/2023", None, id="29 February of a common year is impossible"),
        pytest.param("29/02/2024", date(2024, 2, 29), id="29 February of a leap year"),
        pytest.param("15/5-2016", None, id="mixed separators are not a date"),
        pytest.param("trong quý II năm 2025", None, id="a period is not a day"),
    ],
)
def test_a_date_phrase_reads_as_a_day_or_none(text: str, expected: date | None) -> None:
    assert parse_date_phrase(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            CENTRAL_DIRECTIVE,
            header(5, "CT", "TW", "05-CT/TW", date(2016, 5, 15), "Hà Nội", "Chỉ thị", HO_CHI_MINH),
            id="the central directive on learning from Ho Chi Minh",
        ),
        pytest.param(
            SCIENCE_RESOLUTION,
            header(57, "NQ", "TW", "57-NQ/TW", date(2024, 12, 22), "Hà Nội", "Nghị quyết", SCIENCE),
            id="resolution 57 with a two-line title after the issuer line",
        ),
        pytest.param(
            PROVINCIAL_RESOLUTION,
            header(
                10,
                "NQ",
                "TU",
                "10-NQ/TU",
                date(2017, 2, 6),
                "Hà Tĩnh",
                "Nghị quyết",
                "về phát triển nông nghiệp hàng hóa gắn với xây dựng nông thôn mới",
            ),
            id="a provincial resolution",
        ),
        pytest.param(
            REGULATION_NUMBERED_QD,
            header(
                66,
                "QĐi",
                "TW",
                "66-QĐ/TW",
                date(2017, 2, 6),
                "Hà Nội",
                "Quy định",
                "về thể loại, thẩm quyền ban hành và thể thức văn bản của Đảng",
            ),
            id="a regulation numbered QĐ is typed by its printed name",
        ),
        pytest.param(
            TWO_COLUMNS_FLATTENED,
            header(
                12,
                "CT",
                "TU",
                "12-CT/TU",
                date(2019, 8, 3),
                "Hà Tĩnh",
                "Chỉ thị",
                "về tăng cường sự lãnh đạo của Đảng đối với công tác phòng, chống thiên tai",
            ),
            id="a header flattened column by column with the date before the symbol",
        ),
        pytest.param(
            TABBED_ROW,
            header(
                7,
                "CTr",
                "TU",
                "07-CTr/TU",
                date(2020, 12, 14),
                "Kon Tum",
                "Chương trình hành động",
                "thực hiện Nghị quyết Đại hội XV Đảng bộ tỉnh",
            ),
            id="a header flattened row by row with tabs",
        ),
        pytest.param(
            "Số 05-CT/TW\nCHỈ THỊ về tăng cường công tác kiểm tra\n",
            header(
                5, "CT", "TW", "05-CT/TW", None, None, "Chỉ thị", "về tăng cường công tác kiểm tra"
            ),
            id="a title on the type name line and no date line",
        ),
        pytest.param(
            "05-KL/TU\nngày 10 tháng 3 năm 2021\nKẾT LUẬN\n\nTại phiên họp ngày 05/3/2021 ...\n",
            header(5, "KL", "TU", "05-KL/TU", date(2021, 3, 10), None, "Kết luận", None),
            id="a bare symbol line, a date without place and no title",
        ),
    ],
)
def test_a_party_header_gives_the_document_identity(text: str, expected: DocumentHeader) -> None:
    assert parse_header(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty text"),
        pytest.param(
            "Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị, Tỉnh ủy ...",
            id="a sentence that cites a document",
        ),
        pytest.param(
            "Số liệu năm 2024 cho thấy ...\nSố 123 hộ nghèo", id="a line with Số and prose"
        ),
        pytest.param(
            "\n".join(f"dòng {i}" for i in range(16)) + "\nSố 05-CT/TW\nCHỈ THỊ\n",
            id="a symbol line below the first fifteen lines",
        ),
        pytest.param("Số 05-XX/TW\nCHỈ THỊ\n", id="a symbol line with an unknown type"),
    ],
)
def test_a_text_without_a_party_header_has_none(text: str) -> None:
    assert parse_header(text) is None


def cite(text: str, symbol: str, doc_type: str, signed_on: date | None = None) -> Citation:
    """The expected citation; number and issuer are read off the expected canonical symbol."""
    number, rest = symbol.split("-", 1)
    return Citation(text, int(number), doc_type, rest.split("/", 1)[1], symbol, signed_on)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị",
            [cite("Chỉ thị số 05-CT/TW ngày 15/5/2016", "05-CT/TW", "CT", date(2016, 5, 15))],
            id="a directive with its date after the symbol",
        ),
        pytest.param(
            "triển khai Nghị quyết 57-NQ/TW, ngày 22-12-2024 của Bộ Chính trị",
            [cite("Nghị quyết 57-NQ/TW, ngày 22-12-2024", "57-NQ/TW", "NQ", date(2024, 12, 22))],
            id="a resolution without số and a comma before the date",
        ),
        pytest.param(
            "Thực hiện Kết luận số 121-KL/TW ngày 24/01/2025 của Bộ Chính trị",
            [cite("Kết luận số 121-KL/TW ngày 24/01/2025", "121-KL/TW", "KL", date(2025, 1, 24))],
            id="a conclusion",
        ),
        pytest.param(
            "theo Quy định số 66-QĐ/TW ngày 06/02/2017",
            [cite("Quy định số 66-QĐ/TW ngày 06/02/2017", "66-QĐ/TW", "QĐi", date(2017, 2, 6))],
            id="a regulation cited by name is typed QĐi but keeps its QĐ symbol",
        ),
        pytest.param(
            "căn cứ Nghị quyết số15/NQ-TW của Trung ương",
            [cite("Nghị quyết số15/NQ-TW", "15-NQ/TW", "NQ")],
            id="a government-order symbol glued to số",
        ),
        pytest.param(
            "theo Kế hoạch số 12 – KH/TU của Tỉnh ủy",
            [cite("Kế hoạch số 12 – KH/TU", "12-KH/TU", "KH")],
            id="an en dash with spaces",
        ),
        pytest.param(
            "Nghị quyết số 10-NQ/TU ngày 24 tháng 01 năm 2025 của Tỉnh ủy",
            [
                cite(
                    "Nghị quyết số 10-NQ/TU ngày 24 tháng 01 năm 2025",
                    "10-NQ/TU",
                    "NQ",
                    date(2025, 1, 24),
                )
            ],
            id="a long Vietnamese date",
        ),
        pytest.param(
            "Chương trình hành động số 07-CTHĐ/TU ngày 14.12.2020",
            [
                cite(
                    "Chương trình hành động số 07-CTHĐ/TU ngày 14.12.2020",
                    "07-CTr/TU",
                    "CTr",
                    date(2020, 12, 14),
                )
            ],
            id="an action programme with a dotted date",
        ),
        pytest.param(
            "Chỉ thị số 05-CT/TW của Bộ Chính trị ngày 15/5/2016",
            [
                cite(
                    "Chỉ thị số 05-CT/TW của Bộ Chính trị ngày 15/5/2016",
                    "05-CT/TW",
                    "CT",
                    date(2016, 5, 15),
                )
            ],
            id="the issuer between symbol and date",
        ),
        pytest.param(
            "Ngày 03-8-2019, Ban Thường vụ Tỉnh ủy ban hành "
            "Chỉ thị số 12-CT/TU về phòng, chống thiên tai",
            [cite("Chỉ thị số 12-CT/TU", "12-CT/TU", "CT", date(2019, 8, 3))],
            id="a sentence-opening date belongs to the document issued",
        ),
        pytest.param(
            "Ngày 03-8-2019, Ban Thường vụ ban hành Chỉ thị số 12-CT/TU "
            "thực hiện Nghị quyết số 10-NQ/TU.",
            [
                cite("Chỉ thị số 12-CT/TU", "12-CT/TU", "CT", date(2019, 8, 3)),
                cite("Nghị quyết số 10-NQ/TU", "10-NQ/TU", "NQ"),
            ],
            id="a sentence-opening date goes to the first document only",
        ),
        pytest.param(
            "Ngày 15/3/2025, Tỉnh ủy tổ chức hội nghị quán triệt Nghị quyết số 57-NQ/TW.",
            [cite("Nghị quyết số 57-NQ/TW", "57-NQ/TW", "NQ")],
            id="a conference date is not the signing date",
        ),
        pytest.param(
            "Thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị. Ngày 03/8/2019, Tỉnh ủy họp.",
            [cite("Chỉ thị số 05-CT/TW", "05-CT/TW", "CT")],
            id="the next sentence's date is not swallowed",
        ),
        pytest.param(
            "Chỉ thị số 05-CT/TW ngày 31/02/2016",
            [cite("Chỉ thị số 05-CT/TW", "05-CT/TW", "CT")],
            id="an impossible date is left out",
        ),
        pytest.param(
            "Chỉ thị số 05-CT/TW ngày 15/5/2016; Chỉ thị 05-CT/TW; "
            "Chỉ thị số 5-CT/TW ngày 15-5-2016",
            [cite("Chỉ thị số 05-CT/TW ngày 15/5/2016", "05-CT/TW", "CT", date(2016, 5, 15))],
            id="repeated mentions of one document are one citation",
        ),
        pytest.param(
            "Nghị quyết số 05-NQ/TU ngày 10/3/2016 và Nghị quyết số 05-NQ/TU ngày 12/4/2021",
            [
                cite("Nghị quyết số 05-NQ/TU ngày 10/3/2016", "05-NQ/TU", "NQ", date(2016, 3, 10)),
                cite("Nghị quyết số 05-NQ/TU ngày 12/4/2021", "05-NQ/TU", "NQ", date(2021, 4, 12)),
            ],
            id="one number in two terms is two documents",
        ),
        pytest.param(
            "các Nghị quyết số 18-NQ/TW, 19-NQ/TW ngày 25/10/2017",
            [
                cite("Nghị quyết số 18-NQ/TW", "18-NQ/TW", "NQ"),
                cite("19-NQ/TW ngày 25/10/2017", "19-NQ/TW", "NQ", date(2017, 10, 25)),
            ],
            id="an enumeration of symbols",
        ),
        pytest.param(
            "Quyết định số 123/QĐ-UBND và Nghị định số 15/2019/NĐ-CP",
            [],
            id="state documents are not Party citations",
        ),
        pytest.param(
            "Quy chế phối hợp số 05-QC/BTCTU-BDVTU, ngày 02/3/2023",
            [
                cite(
                    "số 05-QC/BTCTU-BDVTU, ngày 02/3/2023",
                    "05-QC/BTCTU-BDVTU",
                    "QC",
                    date(2023, 3, 2),
                )
            ],
            id="joint issuers",
        ),
        pytest.param(
            "Kết luận số 121-KL/TW\nngày 24/01/2025 của Bộ Chính trị",
            [cite("Kết luận số 121-KL/TW ngày 24/01/2025", "121-KL/TW", "KL", date(2025, 1, 24))],
            id="a date wrapped onto the next line",
        ),
    ],
)
def test_citations_are_read_in_text_order(text: str, expected: list[Citation]) -> None:
    assert find_citations(text) == expected


def test_the_excluded_symbol_is_not_a_citation_in_any_spelling() -> None:
    text = "Nghị quyết 5-NQ/TU ngày 01/02/2021 và Chỉ thị số 05-CT/TW"
    assert [c.symbol for c in find_citations(text, exclude_symbol="Số: 05-NQ/TU")] == ["05-CT/TW"]


@pytest.mark.parametrize(
    ("text", "symbol", "cited"),
    [
        pytest.param(
            CENTRAL_DIRECTIVE, "05-CT/TW", ["03-CT/TW"], id="a directive citing its predecessor"
        ),
        pytest.param(PROVINCIAL_RESOLUTION, "10-NQ/TU", ["26-NQ/TW"], id="a provincial resolution"),
        pytest.param(
            TWO_COLUMNS_FLATTENED + "Chỉ thị số 12-CT/TU thay thế Chỉ thị số 08-CT/TU.",
            "12-CT/TU",
            ["08-CT/TU"],
            id="the document naming itself in its body",
        ),
        pytest.param("Thực hiện Kết luận số 121-KL/TW", None, ["121-KL/TW"], id="a sentence only"),
    ],
)
def test_a_whole_document_gives_its_header_and_the_others_it_cites(
    text: str, symbol: str | None, cited: list[str]
) -> None:
    header, citations = parse_document_text(text)
    assert (header.symbol if header else None, [c.symbol for c in citations]) == (symbol, cited)


def test_a_cited_date_keeps_its_day() -> None:
    _, citations = parse_document_text(CENTRAL_DIRECTIVE)
    assert citations == [
        cite("Chỉ thị số 03-CT/TW ngày 14/5/2011", "03-CT/TW", "CT", date(2011, 5, 14))
    ]


def test_a_citation_carries_number_issuer_and_canonical_symbol() -> None:
    assert find_citations("Hướng dẫn số 3 - hd/btgdvtw ngày 1/7/2025") == [
        Citation(
            text="Hướng dẫn số 3 - hd/btgdvtw ngày 1/7/2025",
            number=3,
            doc_type="HD",
            issuer="BTGDVTW",
            symbol="03-HD/BTGDVTW",
            signed_on=date(2025, 7, 1),
        )
    ]


@pytest.mark.parametrize(
    "body",
    [
        "Tỉnh ủy quyết nghị đẩy mạnh chuyển đổi số trong các cơ quan đảng của tỉnh.",
        "Thân bài.",
        "Ban Chấp hành Đảng bộ tỉnh thống nhất các chủ trương, giải pháp sau đây để đẩy mạnh "
        "chuyển đổi số trong toàn hệ thống chính trị của tỉnh trong giai đoạn tới",
    ],
)
def test_a_body_paragraph_right_after_the_title_is_not_taken_into_it(body):
    text = "\n".join(
        [
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "TỈNH ỦY LÀO CAI",
            "*",
            "Số 16-NQ/TU",
            "Lào Cai, ngày 06 tháng 02 năm 2025",
            "NGHỊ QUYẾT",
            "về chuyển đổi số trong các cơ quan đảng",
            body,
        ]
    )
    header = parse_header(text)
    assert header is not None
    assert header.title == "về chuyển đổi số trong các cơ quan đảng"


def test_a_title_wrapped_before_a_proper_name_keeps_its_second_line():
    text = "\n".join(
        [
            "BỘ CHÍNH TRỊ",
            "*",
            "Số 05-CT/TW",
            "Hà Nội, ngày 15 tháng 5 năm 2016",
            "CHỈ THỊ",
            "về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách",
            "Hồ Chí Minh",
            "",
            "Thân bài.",
        ]
    )
    header = parse_header(text)
    assert header is not None
    assert header.title == (
        "về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    )
