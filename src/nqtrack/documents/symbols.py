"""Party document symbols (số và ký hiệu): parsing, normalization and type codes.

A symbol is written ``<number>-<TYPE>/<ISSUER>[-<ISSUER2>]`` (``05-CT/TW``,
``05-QC/BTCTU-BDVTU``). Real text adds variants that all normalize to that canonical form:
a ``Số:`` prefix, spaces or an en dash around the hyphen, lower case, ``CTR``/``QĐI``/``CTHĐ``,
``QD`` without Đ, and the government order ``15/NQ-TW``.

Issuer case: every issuer part is upper-cased (``tu`` → ``TU``, ``đu`` → ``ĐU``) except the
district committee ``ThU``, which is conventionally written in mixed case and would read as
a different code once upper-cased. Issuer letters are otherwise kept as written: ``DU`` is
not turned into ``ĐU`` because we cannot know which one the issuer's abbreviation uses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from nqtrack.core.text import fold_words

TYPE_CODES: dict[str, str] = {
    "NQ": "Resolution (nghị quyết)",
    "QĐ": "Decision (quyết định)",
    "CT": "Directive (chỉ thị)",
    "KL": "Conclusion (kết luận)",
    "QC": "Working rules (quy chế)",
    "QĐi": "Regulation (quy định)",
    "TT": "Circular (thông tri)",
    "HD": "Guidance (hướng dẫn)",
    "BC": "Report (báo cáo)",
    "KH": "Plan (kế hoạch)",
    "CTr": "Programme (chương trình)",
    "TB": "Notice (thông báo)",
    "TTr": "Submission (tờ trình)",
    "CV": "Official letter (công văn)",
    "BB": "Minutes (biên bản)",
    "BS": "Copy (bản sao)",
    "ĐA": "Scheme (đề án)",
    "PA": "Option paper (phương án)",
}

TYPE_NAMES: dict[str, str] = {
    "nghi quyet": "NQ",
    "quyet dinh": "QĐ",
    "chi thi": "CT",
    "ket luan": "KL",
    "quy che": "QC",
    "quy dinh": "QĐi",
    "thong tri": "TT",
    "huong dan": "HD",
    "bao cao": "BC",
    "ke hoach": "KH",
    "chuong trinh": "CTr",
    "chuong trinh hanh dong": "CTr",
    "thong bao": "TB",
    "thong bao ket luan": "TB",
    "to trinh": "TTr",
    "cong van": "CV",
    "bien ban": "BB",
    "ban sao": "BS",
    "de an": "ĐA",
    "phuong an": "PA",
}

# Written type code, upper-cased, -> canonical code. Codes without Đ are accepted only where
# no other code folds to the same letters (QD can only be QĐ, QDI only QĐi, DA only ĐA).
_TYPE_ALIASES: dict[str, str] = {code.upper(): code for code in TYPE_CODES} | {
    "QD": "QĐ",
    "QDI": "QĐi",
    "CTHĐ": "CTr",
    "CTHD": "CTr",
    "DA": "ĐA",
}

_MIXED_CASE_ISSUERS: dict[str, str] = {"THU": "ThU"}

MESSAGES: dict[str, str] = {
    "empty": gettext_noop("Enter a document symbol, e.g. 05-CT/TW."),
    "format": gettext_noop(
        "This is not a document symbol; write it as number-TYPE/ISSUER, e.g. 05-CT/TW."
    ),
    "number": gettext_noop("The symbol must start with a number from 1 to 9999."),
    "type": gettext_noop("Unknown document type code in the symbol."),
    "issuer": gettext_noop("The symbol has no issuer after the slash, e.g. /TW or /TU."),
}

_DASHES = str.maketrans({ch: "-" for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_L = "A-Za-zĐđ"
_PREFIX = re.compile(r"^s[ốo]\s*[:.]?\s*", re.IGNORECASE)
_PARTY = re.compile(
    rf"(?P<num>\d+)\s*-\s*(?P<type>[{_L}]{{1,6}})\s*/\s*(?P<iss>[{_L}]+(?:\s*-\s*[{_L}]+)*)"
)
_GOVERNMENT = re.compile(
    rf"(?P<num>\d+)\s*/\s*(?P<type>[{_L}]{{1,6}})\s*-\s*(?P<iss>[{_L}]+(?:\s*-\s*[{_L}]+)*)"
)
_NO_ISSUER = re.compile(rf"\d+\s*-\s*[{_L}]+\s*/?\s*|\d+\s*/\s*[{_L}]+\s*-?\s*")


class SymbolError(ValueError):
    """A symbol that cannot be parsed; ``code`` is a key of MESSAGES."""

    def __init__(self, code: str, text: str = "") -> None:
        super().__init__(MESSAGES[code])
        self.code = code
        self.text = text


@dataclass(frozen=True)
class ParsedSymbol:
    number: int
    doc_type: str
    issuer: str
    issuers: tuple[str, ...]

    @property
    def symbol(self) -> str:
        return f"{self.number:02d}-{self.doc_type}/{self.issuer}"


def normalize_type_code(code: str) -> str | None:
    """Canonical type code for a written one ("CTR", "qđi", "CTHĐ" → "CTr", "QĐi", "CTr")."""
    return _TYPE_ALIASES.get(_clean(code).upper())


def normalize_issuer(issuer: str) -> str:
    """Issuer part normalized as in ParsedSymbol.issuer ("btctu - bdvtu" → "BTCTU-BDVTU")."""
    return "-".join(_issuer_parts(_clean(issuer)))


def parse_symbol(text: str) -> ParsedSymbol:
    """Parse a written symbol; raise SymbolError (code empty/format/number/type/issuer)."""
    cleaned = _clean(text)
    if not cleaned:
        raise SymbolError("empty", text)
    body = _PREFIX.sub("", cleaned, count=1)
    match = _PARTY.fullmatch(body) or _GOVERNMENT.fullmatch(body)
    if match is None:
        if not body[:1].isdigit():
            raise SymbolError("number", text)
        if _NO_ISSUER.fullmatch(body):
            raise SymbolError("issuer", text)
        raise SymbolError("format", text)
    number = int(match["num"])
    if not 1 <= number <= 9999:
        raise SymbolError("number", text)
    doc_type = _TYPE_ALIASES.get(match["type"].upper())
    if doc_type is None:
        raise SymbolError("type", text)
    issuers = _issuer_parts(match["iss"])
    return ParsedSymbol(number, doc_type, "-".join(issuers), issuers)


def type_code_for_name(type_name: str) -> str | None:
    """Code of a printed type name ("QUY ĐỊNH" → "QĐi", "Thông báo kết luận" → "TB")."""
    return TYPE_NAMES.get(fold_words(type_name).strip())


def resolve_doc_type(symbol_type: str, type_name: str | None) -> str:
    """The document's type: the printed type name wins over the symbol's code.

    Most central regulations (quy định) carry QĐ in their symbol; the printed name is what
    tells them from decisions. An unknown symbol code raises SymbolError("type").
    """
    code = normalize_type_code(symbol_type)
    if code is None:
        raise SymbolError("type", symbol_type)
    named = type_code_for_name(type_name) if type_name else None
    return named if named is not None else code


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_DASHES).strip()


def _issuer_parts(issuer: str) -> tuple[str, ...]:
    parts = (part.strip().upper() for part in issuer.split("-"))
    return tuple(_MIXED_CASE_ISSUERS.get(part, part) for part in parts if part)


# The printed name of each type, as documents write it; used when a registration omits it.
PRINTED_NAMES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "QC": "Quy chế",
    "QĐi": "Quy định",
    "TT": "Thông tri",
    "HD": "Hướng dẫn",
    "BC": "Báo cáo",
    "KH": "Kế hoạch",
    "CTr": "Chương trình",
    "TB": "Thông báo",
    "TTr": "Tờ trình",
    "CV": "Công văn",
    "BB": "Biên bản",
    "BS": "Bản sao",
    "ĐA": "Đề án",
    "PA": "Phương án",
}
