"""The review plan of a term or a year as a Word draft in the Party's document format."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from nqtrack.organizations.models import Organization
from nqtrack.reviews.report_docx import FONT, _cell_text, _no_borders, _para, _run, date_line

PLACE_PREFIXES = ("Tỉnh ủy ", "Thành ủy ", "Đảng ủy xã ", "Đảng ủy phường ", "Đảng ủy ")


def plan_docx(
    committee: Organization,
    start: datetime.date,
    end: datetime.date,
    headers: list[str],
    rows: list[list[Any]],
    *,
    today: datetime.date,
) -> bytes:
    with translation.override("vi"):
        doc = new_docx()
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        doc.styles["Normal"].font.name = FONT
        doc.styles["Normal"].font.size = Pt(14)
        table = doc.add_table(rows=1, cols=2)
        _no_borders(table)
        left, right = table.rows[0].cells
        p = left.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, committee.name.upper(), bold=True)
        p = left.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, "*")
        p = left.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, f"Số      -KH/{committee.abbreviation or committee.code}")
        p = right.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, size=15, underline=True)
        p = right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        place = committee.name
        for prefix in PLACE_PREFIXES:
            if place.startswith(prefix):
                place = place[len(prefix) :]
                break
        _run(p, date_line(place, None, year=today.year), italic=True)
        _para(doc)
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
        _run(p, "KẾ HOẠCH", bold=True, size=16)
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
        _run(
            p,
            _("interim and final reviews of documents from %(start)s to %(end)s")
            % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
            bold=True,
        )
        _para(doc, "-----", align=WD_ALIGN_PARAGRAPH.CENTER)
        grid = doc.add_table(rows=1, cols=len(headers))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, headers, strict=True):
            cell.text = ""
            _run(cell.paragraphs[0], text, bold=True, size=12)
        for row in rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                cell.text = ""
                _run(cell.paragraphs[0], _cell_text(value), size=12)
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()
