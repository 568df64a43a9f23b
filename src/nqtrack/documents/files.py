"""Checking uploaded document files and pulling their text out (DOCX, PDF)."""

from __future__ import annotations

import hashlib
import io
import logging

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from nqtrack.core.errors import field_error

logger = logging.getLogger(__name__)

# Each accepted extension with the bytes its files start with and its content type.
ACCEPTED = {
    ".pdf": (b"%PDF", "application/pdf"),
    ".docx": (
        b"PK\x03\x04",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".doc": (b"\xd0\xcf\x11\xe0", "application/msword"),
}


# Evidence of work done (minutes, reports, tables, photographs) accepts more kinds.
EVIDENCE_ACCEPTED = {
    **ACCEPTED,
    ".xlsx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".xls": (b"\xd0\xcf\x11\xe0", "application/vnd.ms-excel"),
    ".jpg": (b"\xff\xd8\xff", "image/jpeg"),
    ".jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    ".png": (b"\x89PNG", "image/png"),
}


def check_upload(
    upload: UploadedFile, accepted: dict[str, tuple[bytes, str]] | None = None
) -> tuple[str, str, int]:
    """(extension, content type, size) of an acceptable file; a field error otherwise."""
    accepted = accepted or ACCEPTED
    name = (upload.name or "").lower()
    ext = next((e for e in accepted if name.endswith(e)), None)
    if ext is None:
        if accepted is ACCEPTED:
            raise field_error("file", _("Only PDF, DOCX and DOC files can be attached."))
        raise field_error(
            "file",
            _(
                "%(name)s: evidence can be PDF, Word (DOC, DOCX), Excel (XLS, XLSX), "
                "JPG or PNG files."
            )
            % {"name": upload.name},
        )
    size = upload.size or 0
    if size == 0:
        raise field_error("file", _("The file is empty."))
    limit = settings.NQTRACK_MAX_UPLOAD_MB * 1024 * 1024
    if size > limit:
        raise field_error(
            "file", _("The file is larger than %(mb)s MB.") % {"mb": settings.NQTRACK_MAX_UPLOAD_MB}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    magic, content_type = accepted[ext]
    if not head.startswith(magic):
        raise field_error(
            "file",
            _("The file %(name)s is not a real %(ext)s file.")
            % {"name": upload.name, "ext": ext[1:].upper()},
        )
    return ext, content_type, size


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def extract_text(data: bytes, ext: str) -> str:
    """Plain text of a DOCX (in document order) or PDF; "" where none can be read."""
    try:
        if ext == ".docx":
            import docx
            from docx.table import Table

            doc = docx.Document(io.BytesIO(data))
            lines: list[str] = []
            # Party headers are usually a two-column table before the body: keep document order
            # and read each table row's cells left to right.
            for block in doc.iter_inner_content():
                if isinstance(block, Table):
                    for row in block.rows:
                        seen: set[int] = set()
                        for cell in row.cells:
                            if id(cell._tc) not in seen:
                                seen.add(id(cell._tc))
                                lines.extend(p.text for p in cell.paragraphs)
                else:
                    lines.append(block.text)
            return "\n".join(lines)
        if ext == ".pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            return "\n".join((page.extract_text() or "") for page in reader.pages)
    except Exception:  # a damaged file is still stored; only its text is missing
        logger.warning("could not extract text from a %s file", ext, exc_info=True)
    return ""
