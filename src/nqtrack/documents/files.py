"""Checking uploaded document files and pulling their text out (DOCX, PDF)."""

from __future__ import annotations

import io
import logging

from django.core.files.uploadedfile import UploadedFile

from nqtrack.core import uploads

logger = logging.getLogger(__name__)

# The kinds each upload takes live in core.uploads, which checks every stored file.
ACCEPTED = uploads.DOCUMENT_FILES
EVIDENCE_ACCEPTED = uploads.EVIDENCE_FILES


def check_upload(
    upload: UploadedFile, accepted: uploads.Accept = uploads.DOCUMENT_FILES, field: str = "file"
) -> uploads.CheckedFile:
    """The checked kind, safe name, size and SHA-256 of an acceptable file (a field error
    otherwise); the upload is renamed to the safe name, so storage never sees the user's."""
    checked = uploads.check_upload(upload, accept=accepted, field=field)
    upload.name = checked.name
    return checked


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
    except Exception:  # a file that passed the checks may still hide its text; store it anyway
        logger.warning("could not extract text from a %s file", ext, exc_info=True)
    return ""
