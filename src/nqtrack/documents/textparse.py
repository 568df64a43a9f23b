"""Reading Party document text: the document's own header and the documents it cites.

Matching runs on a folded copy of the text (lower case, no diacritics, đ → d, dashes → "-")
that keeps every character at its original position, so results can quote the text as
written. Only the ``re`` module is used: dates are recognized in the few forms documents use,
never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from nqtrack.core.text import fold
from nqtrack.documents.symbols import (
    TYPE_NAMES,
    ParsedSymbol,
    SymbolError,
    parse_symbol,
    resolve_doc_type,
    type_code_for_name,
)


@dataclass(frozen=True)
class DocumentHeader:
    number: int
    doc_type: str
    issuer: str
    symbol: str
    signed_on: date | None
    place: str | None
    type_name: str | None
    title: str | None


@dataclass(frozen=True)
class Citation:
    text: str
    number: int
    doc_type: str
    issuer: str
    symbol: str
    signed_on: date | None


HEADER_LINES = 15  # non-empty lines in which the document's own symbol must appear
DATE_LINES = 20  # non-empty lines in which the place-and-date line is looked for
TYPE_NAME_LINES = 6  # non-empty lines after symbol and date in which the type name is looked for
TITLE_LINES = 3
MIN_YEAR, MAX_YEAR = 1900, 2100

_DASHES = str.maketrans({ch: "-" for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_DATE = (
    r"(?<![a-z])ngay[ \t]*(?P<ld>\d{1,2})\s+thang\s+(?P<lm>\d{1,2})\s*,?\s+nam\s+(?P<ly>\d{4})"
    r"(?!\d)"
    r"|(?:(?<![a-z])ngay[ \t]*)?(?<![\d/.-])(?P<nd>\d{1,2})[ \t]?(?P<sep>[/.-])[ \t]?"
    r"(?P<nm>\d{1,2})[ \t]?(?P=sep)[ \t]?(?P<ny>\d{4})(?!\d)"
)
_DATE_RE = re.compile(_DATE)
# Between a symbol and its own date: a comma, "ngày", or "của <issuer>" (letters only, so it
# cannot run over a full stop or another number into the next sentence's date).
_ATTACHED_DATE_RE = re.compile(
    r"[ \t]*\n?[ \t]*,?[ \t]*\n?[ \t]*(?:cua(?:[ \t\n]+[a-z]+){1,10}?[ \t]*,?[ \t]*\n?[ \t]*)?"
    rf"(?:{_DATE})"
)
_ISS = r"[a-z]{1,10}(?:-[a-z]{1,10})*"
_SYMBOL_RE = re.compile(
    r"(?:(?<=so)|(?<![a-z0-9/.-]))(?:"
    rf"(?P<party>\d{{1,4}}[ \t]{{0,2}}-[ \t]{{0,2}}[a-z]{{1,5}}[ \t]{{0,2}}/[ \t]{{0,2}}{_ISS})"
    rf"|(?P<gov>\d{{1,4}}[ \t]?/[ \t]?[a-z]{{1,5}}[ \t]?-[ \t]?{_ISS})"
    r")(?![a-z0-9])"
)
_NAMES = "|".join(re.escape(name) for name in sorted(TYPE_NAMES, key=len, reverse=True))
_CITE_PREFIX_RE = re.compile(
    rf"(?:(?<![a-z])(?P<name>{_NAMES})\s+)?(?:(?<![a-z])so[ \t]*[:.]?[ \t]*)?$"
)
_TYPE_LINE_RE = re.compile(rf"(?P<name>{_NAMES})(?:\s+(?P<rest>ve\s.*))?")
_SYMBOL_LINE_RE = re.compile(r"(?:so\s*[:.]?\s*)?\d.*")
_PLACE_DATE_RE = re.compile(rf"(?:(?P<place>[^\d,]{{1,60}}?)\s*,?\s*)?(?:{_DATE})\s*\.?")
_RULE_LINE_RE = re.compile(r"[-_*.=~\s]*")
# Body sentences open with a capital ("Thực hiện ..."); a title line continuing the type name
# opens in lower case ("thực hiện Nghị quyết ...") or is all capitals.
_BODY_CUE_RE = re.compile(r"(?:tai phien hop|thuc hien|can cu|trong nhung nam|kinh gui|ngay \d+)\b")
_BODY_NUMBERING_RE = re.compile(r"(?:[ivxlc]+|\d+)[.)](?:\s|$)|[a-z]\)\s|[-+•]\s")
_ISSUER_ADDRESS_RE = re.compile(r"cua\s")
_SENTENCE_END_RE = re.compile(r"[.;!?](?=\s)|\n[ \t]*\n")
_SENTENCE_START_RE = re.compile(r"(?:^|[.;:!?]|\n)[ \t]*(?:[-+•*][ \t]*)?$")
_PARTY_ISSUER_ENDINGS = ("TW", "TU", "HU", "QU", "DU", "DUK")
_PARTY_ISSUERS = frozenset({"BCSD", "DD", "BCD", "CB"})
_DATE_BEFORE_MAX_WORDS = 25


def parse_date_phrase(text: str) -> date | None:
    """The first date written in text ("ngày 06 tháng 02 năm 2017", "15/5/2016", "15-5-2016",
    "14.12.2020"), or None when there is none or it is impossible (31/02/2020)."""
    match = _DATE_RE.search(_folded(_nfc(text)))
    return _match_date(match) if match else None


def parse_header(text: str) -> DocumentHeader | None:
    """The document's own identity when text starts with a Party document header."""
    lines = _header_lines(_nfc(text))
    filled = [i for i, line in enumerate(lines) if line]
    found = _find_symbol_line(lines, filled[:HEADER_LINES])
    if found is None:
        return None
    symbol_at, parsed = found
    date_at, place, signed_on = _find_date_line(lines, filled[:DATE_LINES])
    after = max(symbol_at, date_at if date_at is not None else -1)
    type_name, title_head, type_at = _find_type_line(lines, filled, after)
    title_lines = [title_head] if title_head else []
    if type_at is not None:
        title_lines += _title_lines(lines, type_at + 1, title_lines)
    title = " ".join(" ".join(title_lines).split()) or None
    return DocumentHeader(
        number=parsed.number,
        doc_type=resolve_doc_type(parsed.doc_type, type_name),
        issuer=parsed.issuer,
        symbol=parsed.symbol,
        signed_on=signed_on,
        place=place,
        type_name=type_name,
        title=title,
    )


def find_citations(text: str, *, exclude_symbol: str | None = None) -> list[Citation]:
    """Documents that text cites, in text order, one per document.

    A mention without a date is dropped when the same symbol is also cited with a date;
    otherwise citations are deduplicated by symbol and date, keeping the first occurrence.
    """
    text = _nfc(text)
    folded = _folded(text)
    excluded = _canonical(exclude_symbol) if exclude_symbol else None
    # Every symbol, the excluded one too: it still bounds where a later date may come from.
    found: list[tuple[Citation, int]] = []  # citation, end of its symbol or date
    for match in _SYMBOL_RE.finditer(folded):
        floor = found[-1][1] if found else 0
        cited = _citation_at(text, folded, match, floor)
        if cited is not None:
            found.append(cited)
    kept = [citation for citation, _ in found if citation.symbol != excluded]
    dated = {c.symbol for c in kept if c.signed_on is not None}
    result: list[Citation] = []
    seen: set[tuple[str, date | None]] = set()
    for citation in kept:
        key = (citation.symbol, citation.signed_on)
        if key in seen or (citation.signed_on is None and citation.symbol in dated):
            continue
        seen.add(key)
        result.append(citation)
    return result


def parse_document_text(text: str) -> tuple[DocumentHeader | None, list[Citation]]:
    """The text's own header (if any) and the other documents it cites."""
    header = parse_header(text)
    citations = find_citations(text, exclude_symbol=header.symbol if header else None)
    return header, citations


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _folded(text: str) -> str:
    """fold(text) with dashes unified, guaranteed to keep every character's position."""
    folded = fold(text)
    if len(folded) != len(text):
        folded = "".join(f if len(f := fold(ch)) == 1 else ch.lower()[:1] or " " for ch in text)
    return folded.translate(_DASHES)


def _canonical(symbol: str) -> str:
    try:
        return parse_symbol(symbol).symbol
    except SymbolError:
        return symbol.strip()


def _match_date(match: re.Match[str]) -> date | None:
    if match["ld"] is not None:
        day, month, year = match["ld"], match["lm"], match["ly"]
    else:
        day, month, year = match["nd"], match["nm"], match["ny"]
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _is_party_issuer(issuer: str) -> bool:
    last = fold(issuer.rsplit("-", 1)[-1]).upper()
    return last in _PARTY_ISSUERS or last.endswith(_PARTY_ISSUER_ENDINGS)


def _citation_at(
    text: str, folded: str, match: re.Match[str], floor: int
) -> tuple[Citation, int] | None:
    start, end = match.span()
    written = text[start:end]
    # A lower-case word after a hyphen ("05-CT/TW-nay") is prose, not a joint issuer.
    if not written.islower():
        head, *tail = written.split("-")
        kept = [head]
        for part in tail:
            if part.islower():
                break
            kept.append(part)
        written = "-".join(kept)
        end = start + len(written)
    try:
        parsed = parse_symbol(written)
    except SymbolError:
        return None
    if match["gov"] is not None and not _is_party_issuer(parsed.issuer):
        return None  # "123/QĐ-UBND" is a state document, not a Party one
    window_start = max(0, start - 60)
    prefix = _CITE_PREFIX_RE.search(folded, window_start, start)
    cite_start = prefix.start() if prefix and prefix.end() == start else start
    name = prefix["name"] if prefix and prefix["name"] else None
    type_name = text[cite_start : cite_start + len(name)] if name else None
    signed_on: date | None = None
    attached = _ATTACHED_DATE_RE.match(folded, end)
    if attached and not _starts_sentence(text, end, attached):
        signed_on = _match_date(attached)
        if signed_on is not None:
            end = attached.end()
    else:
        signed_on = _date_before(folded, floor, cite_start)
    citation = Citation(
        text=" ".join(text[cite_start:end].split()),
        number=parsed.number,
        doc_type=resolve_doc_type(parsed.doc_type, type_name),
        issuer=parsed.issuer,
        symbol=parsed.symbol,
        signed_on=signed_on,
    )
    return citation, end


def _starts_sentence(text: str, end: int, attached: re.Match[str]) -> bool:
    """A capitalized "Ngày" on a new line opens the next sentence rather than dating this one."""
    date_at = attached.start("ld") if attached["ld"] is not None else attached.start("nd")
    gap = text[end:date_at]
    return "\n" in gap and "Ngày" in gap


def _date_before(folded: str, floor: int, cite_start: int) -> date | None:
    """ "Ngày 03-8-2019, Ban Thường vụ ... ban hành Chỉ thị số 12-CT/TU": the sentence-opening
    date belongs to the first document the sentence says was issued."""
    sentence_ends = [m.end() for m in _SENTENCE_END_RE.finditer(folded, floor, cite_start)]
    floor = max([floor, *sentence_ends])
    last: re.Match[str] | None = None
    for match in _DATE_RE.finditer(folded, floor, cite_start):
        last = match
    if last is None or not last.group().startswith("ngay"):
        return None
    opening = folded[max(0, last.start() - 8) : last.start()]
    if not _SENTENCE_START_RE.search(opening):
        return None
    between = folded[last.end() : cite_start]
    words = between.split()
    if not between.lstrip().startswith(",") or len(words) > _DATE_BEFORE_MAX_WORDS:
        return None
    if " ban hanh " not in " " + " ".join(words) + " ":
        return None
    return _match_date(last)


def _header_lines(text: str) -> list[str]:
    """Lines with cells of a flattened two-column table (tabs, wide gaps) split apart."""
    lines: list[str] = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in re.split(r"\t|\s{3,}", line)]
        cells = [cell for cell in cells if cell]
        lines.extend(cells or [""])
    return lines


def _find_symbol_line(lines: list[str], indexes: list[int]) -> tuple[int, ParsedSymbol] | None:
    for i in indexes:
        if _SYMBOL_LINE_RE.fullmatch(_folded(lines[i])):
            try:
                return i, parse_symbol(lines[i])
            except SymbolError:
                continue
    return None


def _find_date_line(
    lines: list[str], indexes: list[int]
) -> tuple[int | None, str | None, date | None]:
    for i in indexes:
        match = _PLACE_DATE_RE.fullmatch(_folded(lines[i]))
        if match is None or match["ld"] is None:
            continue
        place = lines[i][: match.end("place")].strip(" ,") if match["place"] else ""
        return i, (place if 0 < len(place.split()) <= 6 else None), _match_date(match)
    return None, None, None


def _find_type_line(
    lines: list[str], filled: list[int], after: int
) -> tuple[str | None, str | None, int | None]:
    """The printed type name, a title that shares its line ("CHỈ THỊ về ..."), its index."""
    for i in [i for i in filled if i > after][:TYPE_NAME_LINES]:
        line = " ".join(lines[i].split())
        match = _TYPE_LINE_RE.fullmatch(_folded(line))
        if match is None or type_code_for_name(line[: match.end("name")]) is None:
            continue
        printed = line[: match.end("name")].lower()
        rest = line[match.start("rest") :] if match["rest"] else None
        return printed[:1].upper() + printed[1:], rest, i
    return None, None, None


def _looks_like_body(line: str) -> bool:
    """A sentence of the body: titles never end with a full stop and do not run on at length.

    Word files often draw the rule under the title as a shape, so no text line separates the
    title from the first paragraph.
    """
    stripped = line.rstrip()
    return stripped.endswith((".", ":", ";")) or (line[:1].isupper() and len(stripped) > 120)


def _title_lines(lines: list[str], start: int, head: list[str]) -> list[str]:
    """Title lines after the type name, ending at a blank, rule or body line."""
    title: list[str] = []
    i = start
    while i < len(lines) and not lines[i] and not head:
        i += 1  # blank lines between the type name and the title
    for line in lines[i:]:
        folded = _folded(line)
        if len(head) + len(title) >= TITLE_LINES or not line or _RULE_LINE_RE.fullmatch(folded):
            break
        if _BODY_NUMBERING_RE.match(folded):
            break
        if _BODY_CUE_RE.match(folded) and line[:1].isupper() and not line.isupper():
            break
        if not head and not title and line.isupper() and _ISSUER_ADDRESS_RE.match(folded):
            continue  # "CỦA BỘ CHÍNH TRỊ" names the issuer, not the subject
        if (head or title) and _looks_like_body(line):
            break
        title.append(line)
    return title
