"""Document symbols: the variants real text uses all normalize to one canonical form."""

from __future__ import annotations

import pytest

from nqtrack.documents.symbols import (
    MESSAGES,
    TYPE_CODES,
    SymbolError,
    parse_symbol,
    resolve_doc_type,
    type_code_for_name,
)

VALID = [
    pytest.param("05-CT/TW", "05-CT/TW", 5, "CT", "TW", id="a canonical symbol is kept"),
    pytest.param("5-CT/TW", "05-CT/TW", 5, "CT", "TW", id="a one-digit number is zero-padded"),
    pytest.param("Số: 66-QĐ/TW", "66-QĐ/TW", 66, "QĐ", "TW", id="a 'Số:' prefix is dropped"),
    pytest.param("số 66-QĐ/TW", "66-QĐ/TW", 66, "QĐ", "TW", id="a lower-case 'số' is dropped"),
    pytest.param("Số 66 - QĐ/TW", "66-QĐ/TW", 66, "QĐ", "TW", id="spaces around the hyphen"),
    pytest.param("05 – CT/TW", "05-CT/TW", 5, "CT", "TW", id="an en dash stands for the hyphen"),
    pytest.param("05-CT / TW", "05-CT/TW", 5, "CT", "TW", id="spaces around the slash"),
    pytest.param("10-nq/tu", "10-NQ/TU", 10, "NQ", "TU", id="lower case is upper-cased"),
    pytest.param("05-CTR/TU", "05-CTr/TU", 5, "CTr", "TU", id="CTR is a programme"),
    pytest.param("05-CTr/TU", "05-CTr/TU", 5, "CTr", "TU", id="CTr is kept in mixed case"),
    pytest.param("01-QĐI/TW", "01-QĐi/TW", 1, "QĐi", "TW", id="QĐI is a regulation"),
    pytest.param("07-CTHĐ/TU", "07-CTr/TU", 7, "CTr", "TU", id="CTHĐ is an action programme"),
    pytest.param("15/NQ-TW", "15-NQ/TW", 15, "NQ", "TW", id="government order is reordered"),
    pytest.param("12-QD/TW", "12-QĐ/TW", 12, "QĐ", "TW", id="QD without Đ is a decision"),
    pytest.param("03-QDi/TW", "03-QĐi/TW", 3, "QĐi", "TW", id="QDi without Đ is a regulation"),
    pytest.param("01-NQ/ĐU", "01-NQ/ĐU", 1, "NQ", "ĐU", id="a party committee issuer ĐU"),
    pytest.param("02-CT/đuk", "02-CT/ĐUK", 2, "CT", "ĐUK", id="a lower-case đuk is upper-cased"),
    pytest.param("03-KH/ThU", "03-KH/ThU", 3, "KH", "ThU", id="ThU keeps its mixed case"),
    pytest.param("04-HD/THU", "04-HD/ThU", 4, "HD", "ThU", id="THU is written ThU"),
    pytest.param("05-HD/BTGDVTW", "05-HD/BTGDVTW", 5, "HD", "BTGDVTW", id="a merged commission"),
    pytest.param("01-BC/BCSĐ", "01-BC/BCSĐ", 1, "BC", "BCSĐ", id="a party delegation BCSĐ"),
    pytest.param("9999-TB/TU", "9999-TB/TU", 9999, "TB", "TU", id="the largest number"),
    pytest.param("  123-KL/TW  ", "123-KL/TW", 123, "KL", "TW", id="surrounding spaces"),
    pytest.param("02-ĐA/TU", "02-ĐA/TU", 2, "ĐA", "TU", id="a scheme ĐA"),
]


@pytest.mark.parametrize(("text", "symbol", "number", "doc_type", "issuer"), VALID)
def test_a_written_symbol_parses_to_its_canonical_form(
    text: str, symbol: str, number: int, doc_type: str, issuer: str
) -> None:
    parsed = parse_symbol(text)
    assert (parsed.symbol, parsed.number, parsed.doc_type, parsed.issuer) == (
        symbol,
        number,
        doc_type,
        issuer,
    )


@pytest.mark.parametrize(
    ("text", "issuers", "symbol"),
    [
        pytest.param("05-QC/BTCTU-BDVTU", ("BTCTU", "BDVTU"), "05-QC/BTCTU-BDVTU", id="joint"),
        pytest.param("5-qc/btctu - bdvtu", ("BTCTU", "BDVTU"), "05-QC/BTCTU-BDVTU", id="spaced"),
        pytest.param("01-NQ/TW", ("TW",), "01-NQ/TW", id="a single issuer is a one-tuple"),
    ],
)
def test_joint_issuers_are_split_and_rejoined_with_a_hyphen(
    text: str, issuers: tuple[str, ...], symbol: str
) -> None:
    parsed = parse_symbol(text)
    assert (parsed.issuers, parsed.symbol) == (issuers, symbol)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("", "empty", id="an empty string is empty"),
        pytest.param("   ", "empty", id="blanks are empty"),
        pytest.param("CT/TW", "number", id="a symbol without a number"),
        pytest.param("Số: CT/TW", "number", id="a prefix without a number"),
        pytest.param("0-CT/TW", "number", id="number zero"),
        pytest.param("00-NQ/TU", "number", id="number double zero"),
        pytest.param("10000-CT/TW", "number", id="a number above 9999"),
        pytest.param("05-XX/TW", "type", id="an unknown type code"),
        pytest.param("05-HĐ/TW", "type", id="HĐ is not hướng dẫn"),
        pytest.param("05-CT/", "issuer", id="a slash without an issuer"),
        pytest.param("05-CT", "issuer", id="no slash and no issuer"),
        pytest.param("05-CT/TW abc", "format", id="trailing garbage"),
        pytest.param("05-CT/TW/TU", "format", id="two slashes"),
        pytest.param("Nghị quyết về khoa học", "number", id="prose"),
        pytest.param("05-CT-TW", "format", id="hyphens only"),
    ],
)
def test_a_malformed_symbol_is_rejected_with_its_error_code(text: str, code: str) -> None:
    with pytest.raises(SymbolError) as caught:
        parse_symbol(text)
    assert caught.value.code == code
    assert str(caught.value) == MESSAGES[code]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        pytest.param("QUY ĐỊNH", "QĐi", id="a printed QUY ĐỊNH is a regulation"),
        pytest.param("QUYẾT ĐỊNH", "QĐ", id="a printed QUYẾT ĐỊNH is a decision"),
        pytest.param("Chỉ thị", "CT", id="sentence case is read"),
        pytest.param("Thông báo kết luận", "TB", id="a conclusion notice is a notice"),
        pytest.param("CHƯƠNG TRÌNH HÀNH ĐỘNG", "CTr", id="an action programme"),
        pytest.param("  NGHỊ   QUYẾT ", "NQ", id="extra spaces are ignored"),
        pytest.param("kết luận", "KL", id="a conclusion"),
        pytest.param("Đề án", "ĐA", id="a scheme"),
        pytest.param("Báo cáo tổng kết", None, id="a longer phrase is not a type name"),
        pytest.param("BỘ CHÍNH TRỊ", None, id="an issuer line is not a type name"),
    ],
)
def test_a_printed_type_name_maps_to_a_code(name: str, code: str | None) -> None:
    assert type_code_for_name(name) == code


@pytest.mark.parametrize(
    ("symbol_type", "type_name", "expected"),
    [
        pytest.param("QĐ", "QUY ĐỊNH", "QĐi", id="a quy định numbered QĐ is a regulation"),
        pytest.param("QĐ", "QUYẾT ĐỊNH", "QĐ", id="a quyết định numbered QĐ stays a decision"),
        pytest.param("QĐ", None, "QĐ", id="without a printed name the code decides"),
        pytest.param("CT", "", "CT", id="an empty printed name is ignored"),
        pytest.param("KL", "Tờ khai", "KL", id="an unknown printed name is ignored"),
        pytest.param("KL", "Thông báo kết luận", "TB", id="a conclusion notice numbered KL"),
        pytest.param("CTHĐ", None, "CTr", id="a written code is normalized"),
        pytest.param("qđi", "Quy định", "QĐi", id="agreeing code and name"),
    ],
)
def test_the_printed_type_name_wins_over_the_symbol_code(
    symbol_type: str, type_name: str | None, expected: str
) -> None:
    assert resolve_doc_type(symbol_type, type_name) == expected


def test_resolving_an_unknown_symbol_code_is_a_type_error() -> None:
    with pytest.raises(SymbolError) as caught:
        resolve_doc_type("XX", "Nghị quyết")
    assert caught.value.code == "type"


@pytest.mark.parametrize("code", sorted(TYPE_CODES))
def test_every_type_code_round_trips_through_a_symbol(code: str) -> None:
    assert parse_symbol(f"1-{code}/TU").symbol == f"01-{code}/TU"
