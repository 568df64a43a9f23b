"""The draft review report as a Word file in the Party's document format.

Layout after the Party's rules on document format (A4; Times New Roman; the issuer block with
its asterisk line and the symbol on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date
line on the right; the type name and title centred), with the body sections a review report
has and the quantitative appendix filled from the data. Staff finish the text in Word.
"""

from __future__ import annotations

import datetime
import io
import re

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from nqtrack.organizations.models import User
from nqtrack.reviews.appendix import Table, appendix_tables, as_of_day
from nqtrack.reviews.models import Review

FONT = "Times New Roman"
PREFIXES = re.compile(
    r"^(Ban Chấp hành Đảng bộ|Ban Thường vụ|Tỉnh ủy|Thành ủy|Huyện ủy|Quận ủy|Thị ủy|Đảng ủy"
    r"|Chi bộ)\s+(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|đặc khu|thị trấn)?\s*",
    re.IGNORECASE,
)


def place_name(review: Review) -> str:
    """The place in the date line: the committee's locality ("Tỉnh ủy Lào Cai" → "Lào Cai")."""
    name = PREFIXES.sub("", review.committee.name).strip()
    return name or review.committee.name


def date_line(place: str, day: datetime.date | None, *, year: int) -> str:
    """ "Lào Cai, ngày 06 tháng 02 năm 2027"; day and month left blank on a draft."""
    if day is None:
        return f"{place}, ngày     tháng     năm {year}"
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _run(paragraph, text: str, *, bold=False, italic=False, size=14, underline=False):  # type: ignore[no-untyped-def]
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    run.font.name = FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return run


def _para(doc, text: str = "", *, align=None, bold=False, italic=False, size=14, indent=True):  # type: ignore[no-untyped-def]
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    else:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            p.paragraph_format.first_line_indent = Mm(12.7)
    p.paragraph_format.space_after = Pt(6)
    if text:
        _run(p, text, bold=bold, italic=italic, size=size)
    return p


def _no_borders(table) -> None:  # type: ignore[no-untyped-def]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _header(doc, review: Review, symbol_suffix: str, year: int) -> None:  # type: ignore[no-untyped-def]
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(75), Mm(90)
    committee = review.committee
    p = left.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, committee.name.upper(), bold=True, size=14)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "*", size=14)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, f"Số      -{symbol_suffix}", size=14)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, size=15, underline=True)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, date_line(place_name(review), None, year=year), italic=True, size=14)


def _title(review: Review) -> str:
    kind = _("interim review") if review.kind == "interim" else _("final review")
    document = review.document
    years = max(1, review.due_on.year - document.signed_on.year)
    return _(
        "%(kind)s of %(years)s years of implementing %(type)s No. %(symbol)s of %(date)s %(title)s"
    ) % {
        "kind": kind,
        "years": years,
        "type": document.type_name or document.doc_type,
        "symbol": document.symbol,
        "date": document.signed_on.strftime("%d/%m/%Y"),
        "title": document.title,
    }


def _table(doc, table: Table, number: int) -> None:  # type: ignore[no-untyped-def]
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(p, _("Appendix %(n)s") % {"n": number}, bold=True)
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(p, table.title.upper(), bold=True, size=13)
    if table.summary:
        _para(doc, table.summary, align=WD_ALIGN_PARAGRAPH.CENTER, italic=True, size=12)
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        _run(cell.paragraphs[0], text, bold=True, size=11)
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _run(cell.paragraphs[0], _cell_text(value), size=11)
    if not table.rows:
        _para(doc, _("(no data)"), align=WD_ALIGN_PARAGRAPH.CENTER, italic=True, size=12)


def review_report_docx(review: Review, user: User, *, today: datetime.date) -> bytes:
    """The draft report with the appendix filled from the data up to the review's due date.
    Always in Vietnamese: it is a Party document, whatever the user's interface language."""
    with translation.override("vi"):
        return _build(review, user, today=today)


def _build(review: Review, user: User, *, today: datetime.date) -> bytes:
    as_of = as_of_day(review, today)
    tables = appendix_tables(review, user, today=today)
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)

    abbreviation = review.committee.abbreviation or review.committee.code
    _header(doc, review, f"BC/{abbreviation}", today.year)
    _para(doc)
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(p, "BÁO CÁO", bold=True, size=16)
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(p, _title(review), bold=True, size=14)
    _para(doc, "-----", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(
        doc,
        _(
            "Carrying out the plan for this review, the Standing Committee of %(committee)s "
            "reports the results as follows (figures as of %(date)s):"
        )
        % {"committee": review.committee.name, "date": as_of.strftime("%d/%m/%Y")},
    )
    sections = [
        (_("I. RESULTS"), [t.summary for t in tables if t.summary]),
        (_("II. SHORTCOMINGS AND WEAKNESSES"), []),
        (_("III. CAUSES"), []),
        (_("IV. LESSONS LEARNED"), []),
        (_("V. TASKS AND SOLUTIONS AHEAD"), []),
    ]
    for heading, facts in sections:
        _para(doc, heading, bold=True, indent=False)
        for n, (table, fact) in enumerate(zip(tables, facts, strict=False), start=1):
            _para(doc, f"{n}. {table.title}: {fact} " + _("(Appendix %(n)s)") % {"n": n})
        _para(doc, _("[To be written by the drafting team.]"), italic=True)

    sign = doc.add_table(rows=1, cols=2)
    _no_borders(sign)
    left, right = sign.rows[0].cells
    _run(left.paragraphs[0], _("Recipients:"), bold=True, italic=True, size=12, underline=True)
    p = left.add_paragraph()
    _run(p, "- …,", size=12)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, _("ON BEHALF OF THE STANDING COMMITTEE"), bold=True, size=14)

    appendix = doc.add_section()
    appendix.orientation = WD_ORIENT.LANDSCAPE
    appendix.page_width, appendix.page_height = Mm(297), Mm(210)
    for n, table in enumerate(tables, start=1):
        if n > 1:
            doc.add_page_break()
        _table(doc, table, n)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
