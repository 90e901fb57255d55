"""HTTP endpoints of bulk imports (permission IMPORT_RUN)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

import involinks.imports.tasks  # noqa: F401 - registers "imports.run" where requests enqueue it
from involinks.auth.dependencies import AppSettings, require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.core.db import DbSession
from involinks.errors import Unprocessable
from involinks.imports import service
from involinks.imports.common import FileFormat, ImportKind
from involinks.imports.models import ImportJob, ImportStatus
from involinks.imports.report import error_report_csv
from involinks.imports.schemas import ImportPage, ImportRead, ImportSummary
from involinks.imports.templates import render_template, template_filename
from involinks.storage import StoreDep
from involinks.storage.uploads import read_single_file

router = APIRouter(prefix="/imports", tags=["imports"])

Importer = Annotated[User, Depends(require(Permission.IMPORT_RUN))]

_FORM_FIELDS = ("kind", "dry_run", "skip_invalid")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}
_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "kind"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV (UTF-8, comma or semicolon) or Excel .xlsx",
                        },
                        "kind": {"type": "string", "enum": [k.value for k in ImportKind]},
                        "dry_run": {"type": "boolean", "default": False},
                        "skip_invalid": {"type": "boolean", "default": False},
                    },
                }
            }
        },
    }
}


def _flag(fields: dict[str, str], name: str) -> bool:
    value = fields.get(name, "").lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise Unprocessable(
        f"Please correct: {name}: must be true or false.",
        details=[{"field": name, "message": "must be true or false"}],
    )


def _kind(value: str | None) -> ImportKind:
    try:
        return ImportKind((value or "").strip().lower())
    except ValueError:
        allowed = ", ".join(k.value for k in ImportKind)
        raise Unprocessable(
            f"Please correct: kind: must be one of {allowed}.",
            details=[{"field": "kind", "message": f"must be one of {allowed}"}],
        ) from None


def _read(job: ImportJob) -> dict[str, Any]:
    return ImportRead.model_validate(job).model_dump(mode="json")


@router.post(
    "",
    response_model=ImportRead,
    status_code=201,
    openapi_extra=_UPLOAD_BODY,
    responses={
        200: {"model": ImportRead, "description": "This file was imported already"},
        202: {"model": ImportRead, "description": "Queued as a background job"},
        413: {"description": "The file is over the upload limit"},
        422: {"description": "The file cannot be read; the message says what to fix"},
    },
)
async def create_import(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    store: StoreDep,
    user: Importer,
) -> JSONResponse:
    """Upload a file (multipart: file, kind, dry_run, skip_invalid) and import it.

    Status codes: 201 when the run finished within the request, whatever its outcome; 202 when it
    was queued (follow ``GET /imports/{id}``); 200 when this very file was imported already (the
    earlier run). A file whose rows fail validation is NOT a 4xx: the run exists, is kept, and
    carries every row error (``errors``, ``/imports/{id}/errors.csv``), so it answers 201 with
    ``status: "failed"``, ``committed: false`` and zero counts (all or nothing: nothing written).
    4xx is for a request that started no run: a file that cannot be read at all (422, with what
    to fix), too large (413), a bad form field (422).
    """
    upload = await read_single_file(
        request, max_bytes=settings.max_upload_bytes, allowed_fields=_FORM_FIELDS
    )
    started = await service.start_import(
        session,
        user=user,
        settings=settings,
        store=store,
        data=upload.data,
        filename=upload.filename,
        kind=_kind(upload.fields.get("kind")),
        dry_run=_flag(upload.fields, "dry_run"),
        skip_invalid=_flag(upload.fields, "skip_invalid"),
    )
    return JSONResponse(
        _read(started.job),
        status_code=started.status_code,
        headers={"Location": str(request.url_for("read_import", import_id=str(started.job.id)))},
    )


@router.get("", response_model=ImportPage)
async def list_imports(
    session: DbSession,
    _user: Importer,
    kind: ImportKind | None = None,
    status: ImportStatus | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ImportPage:
    items, total = await service.list_imports(
        session, kind=kind, status=status, page=page, page_size=page_size
    )
    return ImportPage(
        items=[ImportSummary.model_validate(item) for item in items],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get("/templates/{kind}", response_class=Response)
async def download_template(
    kind: ImportKind,
    _user: Importer,
    format: Annotated[FileFormat, Query()] = FileFormat.CSV,
) -> Response:
    """The columns of ``kind`` with example rows, as CSV or .xlsx."""
    media = {
        FileFormat.CSV: "text/csv; charset=utf-8",
        FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[format]
    return Response(
        render_template(kind, format),
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{template_filename(kind, format)}"'
        },
    )


@router.get("/{import_id}", response_model=ImportRead)
async def read_import(import_id: uuid.UUID, session: DbSession, _user: Importer) -> ImportJob:
    return await service.get_import(session, import_id)


@router.get("/{import_id}/errors.csv", response_class=Response)
async def download_errors(import_id: uuid.UUID, session: DbSession, _user: Importer) -> Response:
    """Every error of the run: row, column, value, message (cells never evaluate as formulas)."""
    job = await service.get_import(session, import_id)
    return Response(
        error_report_csv(job.errors),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{job.id}-errors.csv"'},
    )
