"""Reading uploaded tables (XLSX or CSV) into rows of strings keyed by normalized headers."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TypeVar

from django.conf import settings
from django.utils.translation import gettext as _

from nqtrack.core import uploads
from nqtrack.core.errors import field_error
from nqtrack.core.text import fold

T = TypeVar("T")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_key(raw: str, aliases: Mapping[str, str]) -> str:
    folded = " ".join(fold(raw).replace("_", " ").split())
    return aliases.get(folded, folded.replace(" ", "_"))


def check_table(upload: IO[bytes], filename: str) -> str:
    """The safe name of an XLSX or CSV table whose content passed core.uploads' checks (a
    field error on `file` otherwise): a disguised file, a zip bomb or a table over the size
    limit never reaches openpyxl or the CSV reader."""
    if not filename.lower().endswith((".xlsx", ".csv")):
        raise field_error("file", _("Upload an .xlsx or .csv file."))
    return uploads.check_upload(upload, accept=uploads.TABLE_FILES, name=filename).name


def within_row_limit(rows: Iterable[T]) -> Iterator[T]:
    """The rows of a sheet, refused past NQTRACK_IMPORT_MAX_ROWS data rows (a sheet can claim
    any size, so the limit is counted while reading)."""
    limit = settings.NQTRACK_IMPORT_MAX_ROWS + 1  # the header row
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise field_error(
                "file",
                _("The table has more than %(n)s rows; split it into smaller files.")
                % {"n": f"{limit - 1:,}".replace(",", ".")},
            )
        yield row


def read_table(
    upload: IO[bytes], filename: str, aliases: Mapping[str, str]
) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) for each non-empty data row of an XLSX or CSV file.

    Header names are matched after folding, so "Mã cấp trên", "ma cap tren" and
    "parent_code" can all be given as aliases of one column.
    """
    name = check_table(upload, filename)
    if name.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(upload, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise field_error(
                "file", _("The Excel file cannot be read: %(error)s") % {"error": exc}
            ) from exc
        sheet = book.worksheets[0]
        raw_rows = [
            [_cell(v) for v in row] for row in within_row_limit(sheet.iter_rows(values_only=True))
        ]
        book.close()
    elif name.endswith(".csv"):
        data = upload.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise field_error("file", _("The CSV file must be encoded in UTF-8.")) from exc
        dialect = csv.excel
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")  # type: ignore[assignment]
        except csv.Error:
            pass
        raw_rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    else:
        raise field_error("file", _("Upload an .xlsx or .csv file."))
    if not raw_rows:
        raise field_error("file", _("The file is empty."))
    headers = [_header_key(h, aliases) for h in raw_rows[0]]
    rows = []
    for index, raw in enumerate(raw_rows[1:], start=2):
        if not any(raw):
            continue
        rows.append(
            (index, {h: (raw[i] if i < len(raw) else "") for i, h in enumerate(headers) if h})
        )
    return rows


def parse_iso_or_vn_date(text: str) -> datetime.date | None:
    """A date written as dd/mm/yyyy or yyyy-mm-dd; None for an empty cell; ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
