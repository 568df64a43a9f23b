"""Checking every file a user uploads, by its content, before anything stores it.

Every place that keeps a user's file (document attachments, task evidence, the issued review
report, study materials, tables to import) calls `check_upload` first and stores the file
under the name it returns. A file is accepted when its bytes are what its extension says:

- PDF: parses (pypdf, lenient) with a header at offset 0, an `%%EOF` and at least one page,
  and carries neither web page code (an HTML/PDF polyglot) nor script or launch actions;
- DOCX / XLSX: a ZIP with the Office parts, within limits on members, unpacked size and
  compression ratio, judged from the central directory before anything is decompressed;
- DOC / XLS: an OLE2 compound file holding a Word document / an Excel workbook stream;
- JPG / PNG: the image signature;
- CSV: UTF-8 text (with or without BOM), without NUL bytes, within the row limit.

Refusals are `ValidationError`s on one field, with a Vietnamese message for the form or the
API's 400; nothing has been written when one is raised.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nqtrack.core.errors import field_error

CHUNK = 1024 * 1024
# Web page markers looked for at the start of every file: a browser (or a careless viewer)
# sniffing a PDF/HTML polyglot would run it as a page.
HTML_SCAN_BYTES = 16 * 1024
HTML_MARKERS = (b"<html", b"<script", b"<!doctype")
# Members smaller than this are not judged by their ratio: tiny XML parts compress very well.
RATIO_MIN_BYTES = 1024 * 1024
CONTENT_TYPES_LIMIT = 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_NAME_CHARS = 120


@dataclass(frozen=True)
class Kind:
    ext: str  # the canonical extension, with its dot
    label: str
    content_type: str
    aliases: tuple[str, ...] = ()


PDF = Kind(".pdf", "PDF", "application/pdf")
DOCX = Kind(
    ".docx", "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
DOC = Kind(".doc", "DOC", "application/msword")
XLSX = Kind(".xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
XLS = Kind(".xls", "XLS", "application/vnd.ms-excel")
JPG = Kind(".jpg", "JPG", "image/jpeg", aliases=(".jpeg",))
PNG = Kind(".png", "PNG", "image/png")
CSV = Kind(".csv", "CSV", "text/csv")

KINDS = {k.ext: k for k in (PDF, DOCX, DOC, XLSX, XLS, JPG, PNG, CSV)}


@dataclass(frozen=True)
class Accept:
    """The kinds one upload field takes, and what it says to a file of another kind."""

    kinds: tuple[Kind, ...]
    refusal: str | Promise  # may use %(name)s


DOCUMENT_FILES = Accept(
    (PDF, DOCX, DOC), gettext_lazy("Only PDF, DOCX and DOC files can be attached.")
)
EVIDENCE_FILES = Accept(
    (PDF, DOCX, DOC, XLSX, XLS, JPG, PNG),
    gettext_lazy(
        "%(name)s: evidence can be PDF, Word (DOC, DOCX), Excel (XLS, XLSX), JPG or PNG files."
    ),
)
WORD_FILES = Accept((DOCX,), gettext_lazy("Upload a .docx file."))
TABLE_FILES = Accept((XLSX, CSV), gettext_lazy("Upload an .xlsx or .csv file."))


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    zip_members: int
    zip_unpacked_bytes: int
    zip_ratio: int
    table_rows: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.NQTRACK_MAX_UPLOAD_MB * 1024 * 1024,
            zip_members=settings.NQTRACK_ZIP_MAX_MEMBERS,
            zip_unpacked_bytes=settings.NQTRACK_ZIP_MAX_UNPACKED_MB * 1024 * 1024,
            zip_ratio=settings.NQTRACK_ZIP_MAX_RATIO,
            table_rows=settings.NQTRACK_IMPORT_MAX_ROWS,
        )


@dataclass(frozen=True)
class CheckedFile:
    """An accepted upload: its kind as read from its bytes, and the name to store it under."""

    kind: Kind
    name: str
    size: int
    sha256: str

    @property
    def ext(self) -> str:
        return self.kind.ext

    @property
    def content_type(self) -> str:
        return self.kind.content_type


class Refused(Exception):
    """A content check failed; the message is already translated."""


# --- Names -------------------------------------------------------------------------------------

_UNSAFE_CHARS = re.compile(r'[<>:"|?*\\/]')


def safe_filename(name: str, ext: str) -> str:
    """A name fit to store and show: the last path part of `name`, NFC, without control or
    format characters (e.g. right-to-left overrides), no leading dot, at most 120 characters,
    ending in `ext` (the detected type's). Vietnamese letters are kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = _UNSAFE_CHARS.sub("_", name)
    name = " ".join(name.split())
    stem, dot, user_ext = name.rpartition(".")
    if not dot:
        stem = user_ext
    elif "." + user_ext.lower() not in _aliases_of(ext):
        stem = name
    stem = stem.strip(" .").lstrip("-") or "tep"
    return stem[: MAX_NAME_CHARS - len(ext)].rstrip(" .") + ext


def _aliases_of(ext: str) -> tuple[str, ...]:
    kind = KINDS.get(ext)
    return (ext, *kind.aliases) if kind else (ext,)


def _kind_named(name: str, accept: Accept) -> Kind | None:
    lowered = unicodedata.normalize("NFC", name or "").strip().lower()
    for kind in accept.kinds:
        if any(lowered.endswith(e) for e in (kind.ext, *kind.aliases)):
            return kind
    return None


# --- The check ---------------------------------------------------------------------------------


def check_upload(
    upload: IO[bytes],
    *,
    accept: Accept,
    name: str | None = None,
    field: str = "file",
    limits: Limits | None = None,
) -> CheckedFile:
    """The checked kind, safe name, size and SHA-256 of an upload; a field error otherwise.

    The extension chooses the expected kind and the content must be of that kind: a renamed
    file is refused rather than stored under a name that lies about it.
    """
    limits = limits or Limits.from_settings()
    shown = name if name is not None else getattr(upload, "name", "") or ""
    shown = safe_filename(shown, "") if shown else ""
    kind = _kind_named(name if name is not None else getattr(upload, "name", "") or "", accept)
    if kind is None:
        raise field_error(field, str(accept.refusal) % {"name": shown})
    size = _size_of(upload)
    if size == 0:
        raise field_error(field, _("The file is empty."))
    if size > limits.max_bytes:
        raise field_error(
            field,
            _("The file is larger than %(mb)s MB.") % {"mb": limits.max_bytes // (1024 * 1024)},
        )
    try:
        digest = _check_content(upload, kind, size, shown, limits)
    except Refused as exc:
        raise field_error(field, str(exc)) from None
    finally:
        upload.seek(0)
    return CheckedFile(
        kind=kind,
        name=safe_filename(name if name is not None else getattr(upload, "name", ""), kind.ext),
        size=size,
        sha256=digest,
    )


def _size_of(upload: IO[bytes]) -> int:
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    upload.seek(0, 2)
    end = upload.tell()
    upload.seek(0)
    return end


def _chunks(upload: IO[bytes]) -> Iterator[bytes]:
    upload.seek(0)
    while chunk := upload.read(CHUNK):
        yield chunk


def _check_content(upload: IO[bytes], kind: Kind, size: int, shown: str, limits: Limits) -> str:
    upload.seek(0)
    head = upload.read(HTML_SCAN_BYTES)
    not_real = _("The file %(name)s is not a real %(ext)s file.") % {
        "name": shown,
        "ext": kind.label,
    }
    if not head.startswith(_MAGIC.get(kind.ext, b"")):
        raise Refused(not_real)
    lowered = head.lower()
    if any(marker in lowered for marker in HTML_MARKERS):
        raise Refused(
            _("The file %(name)s contains web page code (HTML or script) and cannot be accepted.")
            % {"name": shown}
        )
    checks: dict[str, Callable[[], None]] = {
        ".pdf": lambda: _check_pdf(upload, head, size, shown, not_real),
        ".docx": lambda: _check_office_zip(upload, "docx", shown, not_real, limits),
        ".xlsx": lambda: _check_office_zip(upload, "xlsx", shown, not_real, limits),
        ".doc": lambda: _check_ole2(upload, head, (b"WordDocument",), not_real),
        ".xls": lambda: _check_ole2(upload, head, (b"Workbook", b"Book"), not_real),
        ".jpg": lambda: _check_magic(head, (b"\xff\xd8\xff",), not_real),
        ".png": lambda: _check_png(head, not_real),
        ".csv": lambda: _check_csv(upload, shown, limits),
    }
    checks[kind.ext]()
    digest = hashlib.sha256()
    for chunk in _chunks(upload):
        digest.update(chunk)
    return digest.hexdigest()


_MAGIC = {
    ".pdf": b"%PDF-",
    ".docx": b"PK\x03\x04",
    ".xlsx": b"PK\x03\x04",
    ".doc": OLE2_MAGIC,
    ".xls": OLE2_MAGIC,
    ".jpg": b"\xff\xd8\xff",
    ".png": b"\x89PNG\r\n\x1a\n",
}


def _check_magic(head: bytes, magics: tuple[bytes, ...], not_real: str) -> None:
    if not head.startswith(magics):
        raise Refused(not_real)


def _check_png(head: bytes, not_real: str) -> None:
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR"):
        raise Refused(not_real)


# --- PDF ---------------------------------------------------------------------------------------

_DELIM = rb"(?=[\s/<>\[\]()%{}]|$)"
_ACTIVE_NAMES = re.compile(rb"/(?:JS|JavaScript|Launch)" + _DELIM)
# A name may spell its letters as #xx escapes (/Java#53cript): decode those few and compare.
_ESCAPED_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]*#[0-9A-Fa-f]{2}[^\s/<>\[\]()%{}]*")
_ACTIVE = {b"JS", b"JavaScript", b"Launch"}


def _check_pdf(upload: IO[bytes], head: bytes, size: int, shown: str, not_real: str) -> None:
    if not head.startswith(b"%PDF-"):
        raise Refused(not_real)
    upload.seek(max(0, size - 2048))
    if b"%%EOF" not in upload.read():
        raise Refused(not_real)
    scripts = _(
        "The PDF file %(name)s contains scripts or launch actions and cannot be accepted."
    ) % {"name": shown}
    if _raw_pdf_has_active_names(upload):
        raise Refused(scripts)
    from pypdf import PdfReader

    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused(
                _("The file %(name)s is protected by a password; upload it without one.")
                % {"name": shown}
            )
        pages = len(reader.pages)
        active = _parsed_pdf_has_actions(reader)
    except Refused:
        raise
    except Exception:  # pypdf raises many kinds on a damaged file
        raise Refused(not_real) from None
    if pages < 1:
        raise Refused(not_real)
    if active:
        raise Refused(scripts)


def _raw_pdf_has_active_names(upload: IO[bytes]) -> bool:
    tail = b""
    for chunk in _chunks(upload):
        window = tail + chunk
        if _ACTIVE_NAMES.search(window):
            return True
        for match in _ESCAPED_NAME.finditer(window):
            if _unescape_name(match.group()[1:]) in _ACTIVE:
                return True
        tail = window[-64:]
    return False


def _unescape_name(raw: bytes) -> bytes:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)


def _action_is_active(action: object) -> bool:
    get = getattr(action, "get_object", None)
    action = get() if callable(get) else action
    if not isinstance(action, dict):
        return False
    return str(action.get("/S", "")) in {"/JavaScript", "/Launch"}


def _parsed_pdf_has_actions(reader: object) -> bool:
    """Script or launch actions that compressed object streams hide from the raw scan: the
    document's open action and name tree, and the first pages' actions and links."""
    root = reader.trailer["/Root"].get_object()  # type: ignore[attr-defined]
    if _action_is_active(root.get("/OpenAction")):
        return True
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    for holder in (root, *list(reader.pages)[:100]):  # type: ignore[attr-defined]
        holder = holder.get_object()
        aa = holder.get("/AA")
        if aa is not None and any(_action_is_active(a) for a in aa.get_object().values()):
            return True
        for annotation in holder.get("/Annots") or []:
            annotation = annotation.get_object()
            if _action_is_active(annotation.get("/A")):
                return True
    return False


# --- Office ZIP (DOCX, XLSX) -------------------------------------------------------------------

_OFFICE_PARTS = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}


def _check_office_zip(
    upload: IO[bytes], which: str, shown: str, not_real: str, limits: Limits
) -> None:
    """Judge the ZIP by its central directory (declared sizes) before decompressing anything.

    Python's zipfile never inflates a member past its declared size (and then fails on the
    CRC), so once these declared sizes pass, readers such as python-docx and openpyxl are
    bounded by them too.
    """
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":
        raise Refused(not_real)
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refused(not_real) from None
    with archive:
        infos = archive.infolist()
        too_big = _(
            "The file %(name)s would unpack to too much data (more than %(mb)s MB, too many "
            "parts or packed suspiciously tightly) and cannot be accepted."
        ) % {"name": shown, "mb": limits.zip_unpacked_bytes // (1024 * 1024)}
        if len(infos) > limits.zip_members:
            raise Refused(too_big)
        unpacked = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if unpacked > limits.zip_unpacked_bytes:
            raise Refused(too_big)
        for info in infos:
            if info.file_size > RATIO_MIN_BYTES and (
                info.file_size > limits.zip_ratio * max(info.compress_size, 1)
            ):
                raise Refused(too_big)
        if unpacked > RATIO_MIN_BYTES and unpacked > limits.zip_ratio * max(packed, 1):
            raise Refused(too_big)
        if any(i.flag_bits & 0x1 for i in infos):
            raise Refused(
                _("The file %(name)s is protected by a password; upload it without one.")
                % {"name": shown}
            )
        names = {i.filename for i in infos}
        main_part, main_type = _OFFICE_PARTS[which]
        if "[Content_Types].xml" not in names or main_part not in names:
            raise Refused(not_real)
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise Refused(
                _("The file %(name)s contains macros and cannot be accepted.") % {"name": shown}
            )
        try:
            types = _read_member(archive, "[Content_Types].xml", CONTENT_TYPES_LIMIT)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
            raise Refused(not_real) from None
        if types is None or main_type.encode() not in types:
            raise Refused(not_real)


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    """A member's bytes, or None once more than `limit` bytes come out."""
    out = bytearray()
    with archive.open(name) as member:
        while chunk := member.read(64 * 1024):
            out += chunk
            if len(out) > limit:
                return None
    return bytes(out)


# --- OLE2 (DOC, XLS) ---------------------------------------------------------------------------


def _check_ole2(upload: IO[bytes], head: bytes, streams: tuple[bytes, ...], not_real: str) -> None:
    """An OLE2 compound file whose directory names the expected stream (stored as UTF-16)."""
    if not head.startswith(OLE2_MAGIC):
        raise Refused(not_real)
    wanted = [s.decode().encode("utf-16-le") for s in streams]
    tail = b""
    for chunk in _chunks(upload):
        window = tail + chunk
        if any(w in window for w in wanted):
            return
        tail = window[-64:]
    raise Refused(not_real)


# --- CSV ---------------------------------------------------------------------------------------


def _check_csv(upload: IO[bytes], shown: str, limits: Limits) -> None:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines = 0
    last = b""
    try:
        for chunk in _chunks(upload):
            if b"\x00" in chunk:
                if not lines and chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    raise UnicodeDecodeError("utf-8", chunk[:2], 0, 1, "UTF-16 text")
                raise Refused(
                    _("The file %(name)s is not a real %(ext)s file.")
                    % {"name": shown, "ext": "CSV"}
                )
            decoder.decode(chunk)
            lines += chunk.count(b"\n")
            last = chunk
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise Refused(_("The CSV file must be encoded in UTF-8.")) from None
    rows = lines + (0 if last.endswith(b"\n") else 1)
    if rows - 1 > limits.table_rows:
        raise Refused(
            _("The table has more than %(n)s rows; split it into smaller files.")
            % {"n": f"{limits.table_rows:,}".replace(",", ".")}
        )
