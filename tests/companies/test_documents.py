from __future__ import annotations

import hashlib

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.companies.models import CompanyDocument
from involinks.config import Settings
from involinks.core import tenancy
from tests.companies.conftest import Member
from tests.companies.helpers import minimal_pdf, tiny_jpeg_header, tiny_png

URL = "/api/v1/company/documents"


async def _upload(
    client: httpx.AsyncClient,
    member: Member,
    kind: str,
    name: str,
    data: bytes,
    content_type: str = "application/octet-stream",
) -> httpx.Response:
    return await client.post(
        URL, headers=member.headers, data={"kind": kind}, files={"file": (name, data, content_type)}
    )


async def test_upload_list_and_download_pdf(
    client: httpx.AsyncClient, admin: Member, db_session: AsyncSession, settings: Settings
) -> None:
    pdf = minimal_pdf()
    response = await _upload(client, admin, "trade_licence", "Trade Licence 2026.pdf", pdf)
    assert response.status_code == 201, response.text
    doc = response.json()
    assert doc["content_type"] == "application/pdf"
    assert doc["size_bytes"] == len(pdf)
    assert doc["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert doc["filename"] == "Trade Licence 2026.pdf"

    listed = await client.get(URL, headers=admin.headers)
    assert [d["id"] for d in listed.json()] == [doc["id"]]

    download = await client.get(f"{URL}/{doc['id']}/download", headers=admin.headers)
    assert download.status_code == 200
    assert download.content == pdf
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "Trade%20Licence%202026.pdf" in download.headers["content-disposition"]
    assert download.headers["x-content-type-options"] == "nosniff"

    # The bytes live under a generated key inside artifacts_dir, not under the uploader's name.
    tenancy.bind_company(db_session, admin.company.id)
    row = await db_session.scalar(sa.select(CompanyDocument))
    assert row is not None
    assert "Trade" not in row.storage_key
    stored = settings.artifacts_dir / row.storage_key
    assert stored.read_bytes() == pdf
    actions = (await db_session.scalars(sa.select(AuditEvent.action))).all()
    assert "company.document_uploaded" in actions


async def test_type_is_decided_by_content_not_name(
    client: httpx.AsyncClient, admin: Member
) -> None:
    # A PNG called .pdf is stored and served as PNG, and renamed to match.
    response = await _upload(client, admin, "logo", "logo.pdf", tiny_png(), "application/pdf")
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == "image/png"
    assert response.json()["filename"] == "logo.pdf.png"
    # An executable named like a PDF is refused.
    fake = await _upload(
        client,
        admin,
        "trade_licence",
        "licence.pdf",
        b"MZ\x90\x00" + b"\0" * 100,
        "application/pdf",
    )
    assert fake.status_code == 415


@pytest.mark.parametrize(
    ("kind", "ok"), [("logo", False), ("stamp", False), ("other_registration", True)]
)
async def test_logo_and_stamp_must_be_images(
    client: httpx.AsyncClient, admin: Member, kind: str, ok: bool
) -> None:
    response = await _upload(client, admin, kind, "x.pdf", minimal_pdf())
    assert response.status_code == (201 if ok else 415)


async def test_jpeg_stamp_accepted(client: httpx.AsyncClient, admin: Member) -> None:
    response = await _upload(client, admin, "stamp", "stamp.jpeg", tiny_jpeg_header())
    assert response.status_code == 201
    assert response.json()["content_type"] == "image/jpeg"


async def test_unknown_kind_is_422(client: httpx.AsyncClient, admin: Member) -> None:
    response = await _upload(client, admin, "passport_scan", "x.png", tiny_png())
    assert response.status_code == 422


async def test_path_in_filename_is_dropped(client: httpx.AsyncClient, admin: Member) -> None:
    response = await _upload(client, admin, "logo", "../../etc/passwd.png", tiny_png())
    assert response.status_code == 201
    assert response.json()["filename"] == "passwd.png"


async def test_too_large_by_content_length_is_413_before_reading(
    client: httpx.AsyncClient, admin: Member, settings: Settings
) -> None:
    read: list[int] = []

    async def body() -> object:
        chunk = b"x" * 65536
        for _ in range(10):
            read.append(len(chunk))
            yield chunk

    declared = settings.max_upload_bytes * 2
    response = await client.post(
        URL,
        headers={
            **admin.headers,
            "Content-Type": "multipart/form-data; boundary=abc",
            "Content-Length": str(declared),
        },
        content=body(),  # type: ignore[arg-type]
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


async def test_too_large_while_streaming_is_413(
    client: httpx.AsyncClient, admin: Member, settings: Settings
) -> None:
    big = b"%PDF-" + b"0" * settings.max_upload_bytes
    # No Content-Length (chunked): the cap applies while reading.
    boundary = "zzBOUNDARYzz"
    parts = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ntrade_licence\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + big
        + f"\r\n--{boundary}--\r\n".encode()
    )

    async def chunks() -> object:
        for start in range(0, len(parts), 1 << 20):
            yield parts[start : start + (1 << 20)]

    response = await client.post(
        URL,
        headers={**admin.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=chunks(),  # type: ignore[arg-type]
    )
    assert response.status_code == 413


async def test_file_just_over_the_limit_is_413(
    client: httpx.AsyncClient, admin: Member, settings: Settings
) -> None:
    data = b"%PDF-" + b"0" * (settings.max_upload_bytes - 4)
    assert len(data) == settings.max_upload_bytes + 1
    response = await _upload(client, admin, "trade_licence", "big.pdf", data)
    assert response.status_code == 413
    exact = await _upload(client, admin, "trade_licence", "ok.pdf", data[:-1])
    assert exact.status_code == 201


async def test_finance_user_can_read_but_not_upload(
    client: httpx.AsyncClient, admin: Member, finance: Member
) -> None:
    assert (await _upload(client, finance, "logo", "l.png", tiny_png())).status_code == 403
    assert (await client.get(URL, headers=finance.headers)).status_code == 200


async def test_delete_document_removes_row_and_file(
    client: httpx.AsyncClient, admin: Member, settings: Settings, db_session: AsyncSession
) -> None:
    doc = (await _upload(client, admin, "logo", "l.png", tiny_png())).json()
    tenancy.bind_company(db_session, admin.company.id)
    key = await db_session.scalar(sa.select(CompanyDocument.storage_key))
    assert key is not None
    response = await client.delete(f"{URL}/{doc['id']}", headers=admin.headers)
    assert response.status_code == 204
    assert not (settings.artifacts_dir / key).exists()
    assert (
        await client.get(f"{URL}/{doc['id']}/download", headers=admin.headers)
    ).status_code == 404


async def test_the_same_file_twice_is_one_object_kept_while_a_row_names_it(
    client: httpx.AsyncClient, admin: Member, settings: Settings, db_session: AsyncSession
) -> None:
    pdf = minimal_pdf()
    first = (await _upload(client, admin, "trade_licence", "a.pdf", pdf)).json()
    second = (await _upload(client, admin, "other_registration", "b.pdf", pdf)).json()
    tenancy.bind_company(db_session, admin.company.id)
    keys = set((await db_session.scalars(sa.select(CompanyDocument.storage_key))).all())
    assert len(keys) == 1  # content-addressed: one object for both rows
    path = settings.artifacts_dir / keys.pop()
    assert (await client.delete(f"{URL}/{first['id']}", headers=admin.headers)).status_code == 204
    assert path.read_bytes() == pdf  # the other row still names it
    download = await client.get(f"{URL}/{second['id']}/download", headers=admin.headers)
    assert download.content == pdf
    assert (await client.delete(f"{URL}/{second['id']}", headers=admin.headers)).status_code == 204
    assert not path.exists()


async def test_download_refuses_tampered_file(
    client: httpx.AsyncClient, admin: Member, settings: Settings, db_session: AsyncSession
) -> None:
    doc = (await _upload(client, admin, "logo", "l.png", tiny_png())).json()
    tenancy.bind_company(db_session, admin.company.id)
    key = await db_session.scalar(sa.select(CompanyDocument.storage_key))
    assert key is not None
    (settings.artifacts_dir / key).write_bytes(b"\x89PNG\r\n\x1a\nswapped")
    response = await client.get(f"{URL}/{doc['id']}/download", headers=admin.headers)
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "integrity_error"
    assert b"swapped" not in response.content
