"""Real small files for upload tests: PDF (pypdf), DOCX (python-docx), XLSX (openpyxl), and the
hostile ones an upload must refuse (polyglot, script actions, zip bomb, renamed EXE)."""

from __future__ import annotations

import functools
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_javascript() -> bytes:
    from pypdf import PdfWriter
    from pypdf.actions import JavaScript

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_open_action(JavaScript("app.alert('x');"))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_html_polyglot() -> bytes:
    """A PDF that is also a web page: the header line, then an HTML page in a PDF comment."""
    data = pdf_bytes()
    first, rest = data.split(b"\n", 1)
    page = b"%<html><body><script>fetch('/api/v1/documents/')</script></body></html>\n"
    return first + b"\n" + page + rest


def docx_bytes(text: str = "Nghị quyết về chuyển đổi số") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: list[list[object]] | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows or [["Mã", "Tên"], ["A1", "Chi bộ 1"]]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def ole2_bytes(stream: str = "WordDocument") -> bytes:
    """The shape of a Word 97 file as the check sees it: the OLE2 signature, a header, and a
    directory entry naming the document stream (UTF-16)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entry = stream.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
    return header + entry + b"\x00" * 384


@functools.cache
def zip_bomb() -> bytes:
    """1 GiB of zeros deflated into a ~4.6 MB ZIP that looks like a DOCX (streamed, ~2 s)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            zeros = b"\x00" * (1 << 20)
            for _ in range(1024):
                member.write(zeros)
    return buffer.getvalue()


def upload(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
