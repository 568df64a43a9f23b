"""Every stored file is checked by its content: real files pass, disguised or hostile ones don't."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from nqtrack.core import uploads
from nqtrack.core.tests import samples


def _refusal(exc: ValidationError) -> str:
    return " ".join(exc.message_dict["file"])


def _check(name: str, data: bytes, accept: uploads.Accept = uploads.EVIDENCE_FILES):
    return uploads.check_upload(samples.upload(name, data), accept=accept)


ACCEPTED = [
    ("bao-cao.pdf", samples.pdf_bytes, uploads.DOCUMENT_FILES, ".pdf", "application/pdf"),
    (
        "Báo cáo.PDF",
        lambda: samples.pdf_bytes(3),
        uploads.DOCUMENT_FILES,
        ".pdf",
        "application/pdf",
    ),
    (
        "nghi-quyet.docx",
        samples.docx_bytes,
        uploads.DOCUMENT_FILES,
        ".docx",
        uploads.DOCX.content_type,
    ),
    ("cu.doc", samples.ole2_bytes, uploads.DOCUMENT_FILES, ".doc", "application/msword"),
    ("bang.xlsx", samples.xlsx_bytes, uploads.EVIDENCE_FILES, ".xlsx", uploads.XLSX.content_type),
    (
        "bang.xls",
        lambda: samples.ole2_bytes("Workbook"),
        uploads.EVIDENCE_FILES,
        ".xls",
        "application/vnd.ms-excel",
    ),
    ("anh.png", samples.png_bytes, uploads.EVIDENCE_FILES, ".png", "image/png"),
    (
        "anh.JPEG",
        lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9",
        uploads.EVIDENCE_FILES,
        ".jpg",
        "image/jpeg",
    ),
    (
        "dv.csv",
        lambda: "\ufeffMã,Tên\nA1,Nguyễn Văn An\n".encode(),
        uploads.TABLE_FILES,
        ".csv",
        "text/csv",
    ),
    ("dv.xlsx", samples.xlsx_bytes, uploads.TABLE_FILES, ".xlsx", uploads.XLSX.content_type),
]


@pytest.mark.parametrize(("name", "build", "accept", "ext", "content_type"), ACCEPTED)
def test_real_files_are_accepted_with_the_type_read_from_their_bytes(
    name, build, accept, ext, content_type
):
    data = build()
    checked = _check(name, data, accept)
    assert checked.ext == ext
    assert checked.content_type == content_type
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.name.endswith(ext)


REFUSED = [
    # (file name, bytes, accepted kinds, words of the Vietnamese message)
    ("virus.exe", lambda: samples.EXE, uploads.DOCUMENT_FILES, "Chỉ được đính kèm tệp PDF, DOCX"),
    (
        "virus.exe",
        lambda: samples.EXE,
        uploads.EVIDENCE_FILES,
        "virus.exe: tệp minh chứng phải là PDF",
    ),
    ("hop-dong.pdf", lambda: samples.EXE, uploads.DOCUMENT_FILES, "không phải là tệp PDF hợp lệ"),
    ("hop-dong.docx", lambda: samples.EXE, uploads.DOCUMENT_FILES, "không phải là tệp DOCX hợp lệ"),
    ("hop-dong.doc", lambda: samples.EXE, uploads.DOCUMENT_FILES, "không phải là tệp DOC hợp lệ"),
    ("anh.png", lambda: samples.EXE, uploads.EVIDENCE_FILES, "không phải là tệp PNG hợp lệ"),
    ("dv.csv", lambda: samples.EXE, uploads.TABLE_FILES, "không phải là tệp CSV hợp lệ"),
    ("polyglot.pdf", samples.pdf_html_polyglot, uploads.DOCUMENT_FILES, "mã trang web"),
    (
        "trang.pdf",
        lambda: b"<!DOCTYPE html>" + samples.pdf_bytes(),
        uploads.DOCUMENT_FILES,
        "không phải là tệp PDF hợp lệ",
    ),
    ("js.pdf", samples.pdf_with_javascript, uploads.DOCUMENT_FILES, "mã lệnh (script)"),
    (
        "escaped.pdf",
        lambda: samples.pdf_with_javascript().replace(b"/JavaScript", b"/Java#53cript"),
        uploads.DOCUMENT_FILES,
        "mã lệnh (script)",
    ),
    (
        "launch.pdf",
        lambda: samples.pdf_bytes().replace(
            b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >>"
        ),
        uploads.DOCUMENT_FILES,
        "mã lệnh (script)",
    ),
    (
        "header.pdf",
        lambda: b"%PDF-1.7\n" + b"x" * 200,
        uploads.DOCUMENT_FILES,
        "không phải là tệp PDF hợp lệ",
    ),
    (
        "no-pages.pdf",
        lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        uploads.DOCUMENT_FILES,
        "không phải là tệp PDF hợp lệ",
    ),
    (
        "cut.pdf",
        lambda: samples.pdf_bytes()[:-40],
        uploads.DOCUMENT_FILES,
        "không phải là tệp PDF hợp lệ",
    ),
    ("bomb.docx", samples.zip_bomb, uploads.DOCUMENT_FILES, "giải nén ra quá nhiều dữ liệu"),
    ("bang.docx", samples.xlsx_bytes, uploads.DOCUMENT_FILES, "không phải là tệp DOCX hợp lệ"),
    ("van-ban.xlsx", samples.docx_bytes, uploads.TABLE_FILES, "không phải là tệp XLSX hợp lệ"),
    (
        "bang.doc",
        lambda: samples.ole2_bytes("Workbook"),
        uploads.DOCUMENT_FILES,
        "không phải là tệp DOC hợp lệ",
    ),
    ("rong.pdf", lambda: b"", uploads.DOCUMENT_FILES, "Tệp không có nội dung"),
    (
        "dv.csv",
        lambda: "Mã,Tên\nA1,Nguyễn\n".encode("utf-16"),
        uploads.TABLE_FILES,
        "bảng mã UTF-8",
    ),
    ("dv.csv", lambda: "Mã,Tên\nA1,Hà\n".encode("cp1252"), uploads.TABLE_FILES, "bảng mã UTF-8"),
]


@pytest.mark.parametrize(("name", "build", "accept", "words"), REFUSED)
def test_disguised_damaged_and_hostile_files_are_refused_with_a_vietnamese_reason(
    name, build, accept, words
):
    with pytest.raises(ValidationError) as caught:
        _check(name, build(), accept)
    assert words in _refusal(caught.value)


def test_a_macro_enabled_document_renamed_docx_is_refused():
    data = io.BytesIO(samples.docx_bytes())
    import zipfile

    with zipfile.ZipFile(data, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\x00" * 10)
    with pytest.raises(ValidationError) as caught:
        _check("macro.docx", data.getvalue(), uploads.DOCUMENT_FILES)
    assert "macro" in _refusal(caught.value)


@override_settings(NQTRACK_MAX_UPLOAD_MB=1)
def test_the_size_limit_applies_to_every_kind():
    big = samples.pdf_bytes() + b"%" + b"x" * (1024 * 1024)
    for accept, name in ((uploads.DOCUMENT_FILES, "to.pdf"), (uploads.TABLE_FILES, "to.csv")):
        with pytest.raises(ValidationError) as caught:
            _check(name, big, accept)
        assert "Tệp lớn hơn 1 MB" in _refusal(caught.value)


@override_settings(NQTRACK_ZIP_MAX_MEMBERS=5)
def test_an_archive_with_too_many_parts_is_refused_before_it_is_unpacked():
    with pytest.raises(ValidationError) as caught:
        _check("nhieu.docx", samples.docx_bytes(), uploads.DOCUMENT_FILES)
    assert "giải nén ra quá nhiều dữ liệu" in _refusal(caught.value)


@override_settings(NQTRACK_IMPORT_MAX_ROWS=3)
def test_a_table_longer_than_the_row_limit_is_refused():
    rows = "Mã,Tên\n" + "".join(f"A{i},Tên {i}\n" for i in range(4))
    with pytest.raises(ValidationError) as caught:
        _check("dv.csv", rows.encode(), uploads.TABLE_FILES)
    assert "nhiều hơn 3 dòng" in _refusal(caught.value)
    assert _check("dv.csv", rows[: rows.rindex("A3")].encode(), uploads.TABLE_FILES)


NAMES = [
    ("Báo cáo sơ kết.pdf", ".pdf", "Báo cáo sơ kết.pdf"),
    ("Ba\u0301o ca\u0301o.pdf", ".pdf", "Báo cáo.pdf"),  # decomposed accents become NFC
    ("../../etc/passwd.pdf", ".pdf", "passwd.pdf"),
    ("C:\\Users\\an\\Nghị quyết.DOCX", ".docx", "Nghị quyết.docx"),
    (".htaccess.pdf", ".pdf", "htaccess.pdf"),
    ("...", ".pdf", "tep.pdf"),
    ("bao\x00cao\r\n.pdf", ".pdf", "baocao.pdf"),
    ("hop-dong\u202efdp.exe", ".pdf", "hop-dongfdp.exe.pdf"),  # right-to-left override
    ("anh.JPEG", ".jpg", "anh.jpg"),
    ("bao cao.pdf.exe", ".pdf", "bao cao.pdf.exe.pdf"),
    ('a<b>:"c"|?*.pdf', ".pdf", "a_b___c____.pdf"),
    ("x" * 300 + ".pdf", ".pdf", "x" * 116 + ".pdf"),
]


@pytest.mark.parametrize(("given", "ext", "stored"), NAMES)
def test_stored_names_are_sanitised(given, ext, stored):
    assert uploads.safe_filename(given, ext) == stored


def test_the_checked_name_ends_in_the_type_read_from_the_bytes():
    checked = _check(
        "../Ảnh HỘI NGHỊ.JPEG", b"\xff\xd8\xff\xe0" + b"\x00" * 32, uploads.EVIDENCE_FILES
    )
    assert checked.name == "Ảnh HỘI NGHỊ.jpg"
