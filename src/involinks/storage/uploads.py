"""Reading an uploaded file without trusting the client.

The size limit is enforced while the body streams in: a declared Content-Length over the limit is
refused before a byte is read, and an undeclared or lying one is cut off as soon as the running total
passes it. The type is decided by the file's first bytes (magic numbers), never by its name or the
Content-Type the client claims.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncGenerator, Collection
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from involinks.errors import AppError, Unprocessable

# Room for the multipart boundaries, part headers and a few small form fields around the file.
MULTIPART_OVERHEAD_BYTES = 64 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}


class UploadTooLarge(AppError):
    status_code = 413
    code = "too_large"


class UnsupportedUpload(AppError):
    status_code = 415
    code = "unsupported_media_type"


def sniff_content_type(data: bytes) -> str | None:
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    return None


def safe_filename(name: str | None, content_type: str) -> str:
    """A display/download name: no directories, no control characters, sensible length."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(
        c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C"
    )
    base = base.strip().strip(".") or "document"
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    wanted = EXTENSIONS.get(content_type, "")
    if f".{ext.lower()}" != wanted and not (wanted == ".jpg" and ext.lower() == "jpeg"):
        stem, ext = base, wanted.lstrip(".")
    stem = stem[:200]
    return f"{stem}.{ext}" if ext else stem


@dataclass
class ReceivedUpload:
    data: bytes
    filename: str | None
    fields: dict[str, str] = field(default_factory=dict)


def _too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(
        f"The file is too large: the limit is {limit // (1024 * 1024) or 1} MB.",
        details={"max_bytes": limit},
    )


async def read_single_file(
    request: Request,
    *,
    max_bytes: int,
    file_field: str = "file",
    allowed_fields: Collection[str] = (),
) -> ReceivedUpload:
    """Parse a multipart/form-data body holding one file (and a few short text fields)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise UnsupportedUpload("Send the file as multipart/form-data.")
    budget = max_bytes + MULTIPART_OVERHEAD_BYTES
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > budget:
                raise _too_large(max_bytes)
        except ValueError:
            raise Unprocessable("Invalid Content-Length header.") from None

    async def capped() -> AsyncGenerator[bytes, None]:
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > budget:
                raise _too_large(max_bytes)
            yield chunk

    parser = MultiPartParser(
        request.headers, capped(), max_files=1, max_fields=len(allowed_fields) + 1
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise Unprocessable(f"The upload could not be read: {exc.message}") from exc
    try:
        upload: Any = form.get(file_field)
        if not isinstance(upload, UploadFile):
            raise Unprocessable(
                f"Attach the file in the form field '{file_field}'.",
                details=[{"field": file_field, "message": "required"}],
            )
        data = await upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise _too_large(max_bytes)
        if not data:
            raise Unprocessable("The file is empty.")
        fields: dict[str, str] = {}
        for key, value in form.multi_items():
            if key == file_field:
                continue
            if key not in allowed_fields or not isinstance(value, str):
                raise Unprocessable(f"Unexpected form field '{key}'.")
            fields[key] = value.strip()
        return ReceivedUpload(data=data, filename=upload.filename, fields=fields)
    finally:
        await form.close()
