"""Helpers for the organization tests: in-memory XLSX/CSV tables and a write detector."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import openpyxl

from nqtrack.core.models import AuditEvent
from nqtrack.organizations.models import Organization

VN_HEADERS = ["Mã", "Tên", "Mã cấp trên", "Loại", "Cấp", "Ký hiệu"]

Row = Sequence[object]


def xlsx_bytes(rows: Sequence[Row], headers: Sequence[str] = VN_HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: Sequence[Row],
    headers: Sequence[str] = VN_HEADERS,
    *,
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + text.getvalue().encode("utf-8")


def table_state() -> tuple[int, int, list[tuple[str, str, str, str]]]:
    """What a refused write must leave untouched: counts and every organization's key fields."""
    return (
        Organization.objects.count(),
        AuditEvent.objects.count(),
        [(o.code, o.name, o.path, o.abbreviation) for o in Organization.objects.order_by("code")],
    )


_VIETNAMESE_ONLY = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def looks_vietnamese(text: str) -> bool:
    """True when the text uses letters that English never does."""
    return bool(_VIETNAMESE_ONLY & set(text.lower()))
