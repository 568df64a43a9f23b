"""Turning a table (headers + rows) into the files people use: XLSX for now. Every XLSX the
application writes goes through xlsx_bytes, which keeps text that looks like a formula as text."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

from nqtrack.core.downloads import bytes_response

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# A cell whose text starts with one of these would be taken for a formula by openpyxl (which
# stores "=…" as one) or by a spreadsheet re-reading the value: a user's title such as
# "=HYPERLINK(…)" must come out as the text it is (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: Any) -> None:
    """Store a cell's value as a string, quote-prefixed as Excel does for typed-in text."""
    cell.data_type = "s"
    cell.quotePrefix = True


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        if str(cell.value).startswith(FORMULA_STARTS):
            as_text(cell)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = [
            str(v) if v is not None and not isinstance(v, (int, float, datetime.date)) else v
            for v in row
        ]
        sheet.append(values)
        for i, value in enumerate(values):
            widths[i] = max(widths[i], min(60, len(str(value or ""))))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                as_text(cell)
    for i, width in enumerate(widths):
        sheet.column_dimensions[sheet.cell(row=1, column=i + 1).column_letter].width = width + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    return bytes_response(xlsx_bytes(title, headers, rows), filename, XLSX_TYPE)
