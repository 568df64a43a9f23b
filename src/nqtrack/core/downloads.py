"""Sending files to the browser: every download goes through here, after its permission check.

A download is always an attachment (never shown inline, so a stored file cannot run as a page
of this site), under a safe name (RFC 6266: `filename*=UTF-8''…` with an ASCII fallback), with
the content type recorded when the file was checked and `X-Content-Type-Options: nosniff`.

With NQTRACK_X_ACCEL_REDIRECT set (e.g. "/protected-media/"), a stored file is not read by
Django at all: the response is empty and carries `X-Accel-Redirect: /protected-media/<path
under MEDIA_ROOT>`, and nginx serves the bytes from an `internal` location. The permission
check has already run in the view by then; the internal location cannot be requested directly.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TypeVar
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from nqtrack.core.uploads import safe_filename

R = TypeVar("R", HttpResponse, FileResponse)
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9 !#$&+\-.^_`|~()\[\]{},;=@]")


def ascii_fallback(name: str) -> str:
    """The name for clients that ignore `filename*`: diacritics dropped (đ → d), anything else
    outside plain ASCII (and quotes, backslashes) replaced by "_"."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ASCII_SAFE.sub("_", plain)


def content_disposition(name: str) -> str:
    """`attachment` with both forms of the name (RFC 6266, RFC 8187)."""
    return "attachment; filename=\"{}\"; filename*=UTF-8''{}".format(
        ascii_fallback(name), quote(name, safe="")
    )


def _download_name(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return safe_filename(name, f".{ext.lower()}" if dot and ext.isalnum() else "")


def _headers(response: R, name: str) -> R:
    response["Content-Disposition"] = content_disposition(_download_name(name))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_response(
    request: HttpRequest, file: FieldFile, name: str, content_type: str
) -> HttpResponseBase:
    """A stored file as a download (after the caller's permission check): its bytes, or an
    empty X-Accel-Redirect response for nginx when NQTRACK_X_ACCEL_REDIRECT is set."""
    prefix = settings.NQTRACK_X_ACCEL_REDIRECT
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix + quote((file.name or "").lstrip("/"), safe="/")
        return _headers(response, name)
    streamed = FileResponse(file.open("rb"), content_type=content_type)
    return _headers(streamed, name)


def bytes_response(data: bytes, name: str, content_type: str) -> HttpResponse:
    """A file made on the fly (an XLSX or DOCX export) as a download."""
    return _headers(HttpResponse(data, content_type=content_type), name)
