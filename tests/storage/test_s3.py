"""What only the S3 backend does: addressing, headers, error mapping, settings; and the app's
own flows (finalize, readiness) on an S3-compatible server."""

from __future__ import annotations

import base64
import hashlib
import socket

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.permissions import Role
from involinks.compliance import service as compliance_service
from involinks.config import Settings
from involinks.core import tenancy
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.schemas import InvoiceCreate
from involinks.storage import ArtifactNotFound, S3ArtifactStore, StorageError, store_for
from tests.customers.factories import create_customer, invoice_payload
from tests.factories import create_company, create_user
from tests.s3server import S3Server


class Recorder(httpx.AsyncBaseTransport):
    """Passes requests on and keeps them; optionally sends every one to 127.0.0.1, so a
    virtual-host name (`<bucket>.<endpoint host>`) needs no DNS."""

    def __init__(self, *, pin_to_localhost: bool = False) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.pin = pin_to_localhost
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.pin:
            request.url = request.url.copy_with(host="127.0.0.1")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_put_sends_integrity_and_write_once_headers(s3_server: S3Server) -> None:
    recorder = Recorder()
    store = s3_server.store(transport=recorder)
    data = b"<Invoice/>"
    try:
        await store.put("ns", data, content_type="application/xml")
    finally:
        await store.aclose()
    [put] = recorder.requests
    assert put.method == "PUT"
    assert (
        put.url.path == f"/{s3_server.bucket}/{store.prefix}/ns/{hashlib.sha256(data).hexdigest()}"
    )
    assert put.headers["if-none-match"] == "*"
    assert put.headers["x-amz-content-sha256"] == hashlib.sha256(data).hexdigest()
    assert put.headers["content-md5"] == base64.b64encode(hashlib.md5(data).digest()).decode()
    assert put.headers["content-type"] == "application/xml"
    assert "if-none-match" in put.headers["authorization"]  # the condition is signed too


async def test_virtual_host_addressing(s3_server: S3Server) -> None:
    recorder = Recorder(pin_to_localhost=True)
    store = s3_server.store(
        endpoint_url=f"http://s3.{s3_server.region}.amazonaws.com:{s3_server.port}",
        addressing_style="virtual",
        transport=recorder,
    )
    try:
        stored = await store.put("ns", b"virtual", content_type="text/plain")
        assert await store.get(stored.key) == b"virtual"
    finally:
        await store.aclose()
    host = f"{s3_server.bucket}.s3.{s3_server.region}.amazonaws.com:{s3_server.port}"
    assert recorder.requests[0].headers["host"] == host
    assert recorder.requests[0].url.path == f"/{store.prefix}/{stored.key}"
    # The same object seen path-style: one bucket, whatever the addressing.
    path_style = s3_server.store(prefix=store.prefix)
    try:
        assert await path_style.get(stored.key) == b"virtual"
    finally:
        await path_style.aclose()


async def test_the_prefix_keeps_installations_apart(s3_server: S3Server) -> None:
    one, two = s3_server.store(), s3_server.store()
    try:
        stored = await one.put("ns", b"mine", content_type="text/plain")
        assert not await two.exists(stored.key)
        with pytest.raises(ArtifactNotFound):
            await two.get(stored.key)
    finally:
        await one.aclose()
        await two.aclose()


async def test_a_wrong_secret_is_a_storage_error_that_names_no_secret(
    s3_server: S3Server,
) -> None:
    secret = "not-the-right-secret-0123456789"
    store = s3_server.store(secret_access_key=SecretStr(secret))
    try:
        with pytest.raises(StorageError) as refused:
            await store.put("ns", b"x", content_type="text/plain")
        assert not await store.check_writable()
    finally:
        await store.aclose()
    message = str(refused.value)
    assert "HTTP 403" in message
    assert "SignatureDoesNotMatch" in message
    assert secret not in message
    assert secret not in repr(store)


async def test_a_missing_bucket_is_a_storage_error(s3_server: S3Server) -> None:
    store = s3_server.store(bucket="no-such-bucket")
    try:
        with pytest.raises(StorageError, match="HTTP 404 NoSuchBucket") as refused:
            await store.get("ns/" + "0" * 64)
        assert not isinstance(refused.value, ArtifactNotFound)
        assert not await store.check_writable()
    finally:
        await store.aclose()


async def test_an_unreachable_endpoint_is_a_storage_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = S3ArtifactStore(
        endpoint_url=f"http://127.0.0.1:{port}",
        bucket="b",
        region="us-east-1",
        access_key_id="AKID",
        secret_access_key=SecretStr("very-secret"),
        timeout_seconds=2,
    )
    try:
        with pytest.raises(StorageError, match="ConnectError") as refused:
            await store.get("ns/" + "0" * 64)
        assert "very-secret" not in str(refused.value)
        assert not await store.check_writable()
    finally:
        await store.aclose()


# --- settings ------------------------------------------------------------------------------------


def _settings(**values: object) -> Settings:
    return Settings(
        environment="test",
        secret_key=SecretStr("test-secret-key-with-enough-entropy-0123456789"),
        **values,  # type: ignore[arg-type]
    )


def test_s3_backend_needs_its_settings() -> None:
    with pytest.raises(ValidationError) as refused:
        _settings(storage_backend="s3", s3_bucket="artifacts")
    message = str(refused.value)
    for name in ("S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"):
        assert name in message
    assert "S3_BUCKET" not in message.split("needs", 1)[1]


def test_s3_settings_are_checked() -> None:
    complete = {
        "storage_backend": "s3",
        "s3_region": "me-central-1",
        "s3_bucket": "artifacts",
        "s3_access_key_id": "AKID",
        "s3_secret_access_key": SecretStr("s3cr3t"),
    }
    with pytest.raises(ValidationError, match="S3_BUCKET"):
        _settings(**{**complete, "s3_bucket": "Not_A_Bucket"})
    with pytest.raises(ValidationError, match="S3_ENDPOINT_URL"):
        _settings(**{**complete, "s3_endpoint_url": "minio:9000"})
    aws = _settings(**complete)
    assert aws.s3_endpoint == "https://s3.me-central-1.amazonaws.com"
    assert aws.s3_addressing == "virtual"
    minio = _settings(**complete, s3_endpoint_url="http://minio:9000/")
    assert (minio.s3_endpoint, minio.s3_addressing) == ("http://minio:9000", "path")
    assert "s3cr3t" not in repr(aws)


def test_store_for_picks_the_backend(s3_server: S3Server, settings: Settings) -> None:
    assert type(store_for(settings)).__name__ == "LocalArtifactStore"
    env = s3_server.env("app")
    s3_settings = settings.model_copy(
        update={
            "storage_backend": "s3",
            "s3_endpoint_url": env["S3_ENDPOINT_URL"],
            "s3_region": env["S3_REGION"],
            "s3_bucket": env["S3_BUCKET"],
            "s3_prefix": "app",
            "s3_access_key_id": env["S3_ACCESS_KEY_ID"],
            "s3_secret_access_key": SecretStr(env["S3_SECRET_ACCESS_KEY"]),
        }
    )
    store = store_for(s3_settings)
    assert isinstance(store, S3ArtifactStore)
    assert (store.bucket, store.prefix, store.addressing_style) == (env["S3_BUCKET"], "app", "path")
    assert store_for(s3_settings) is store  # one connection pool per configuration


# --- the application on S3 -----------------------------------------------------------------------


async def test_finalize_stores_and_serves_the_xml_from_s3(
    db_session: AsyncSession, settings: Settings, s3_store: S3ArtifactStore
) -> None:
    company = await create_company(db_session)
    tenancy.bind_company(db_session, company.id)
    user = await create_user(db_session, company=company, role=Role.COMPANY_ADMIN)
    customer = await create_customer(db_session, company)
    data = InvoiceCreate.model_validate(invoice_payload(customer))
    draft = await invoicing_service.create_draft(db_session, data, user=user)
    issued = await invoicing_service.finalize(
        db_session, draft, user=user, settings=settings, store=s3_store
    )
    record = await compliance_service.get_issued(db_session, issued)
    assert record.xml_key == f"issued-documents/{company.id}/{record.xml_sha256}"
    assert await s3_store.exists(record.xml_key)
    xml = await compliance_service.issued_xml(db_session, issued, store=s3_store)
    assert hashlib.sha256(xml).hexdigest() == record.xml_sha256
    report = await compliance_service.verify_company_chains(db_session, store=s3_store)
    assert report.first_break is None
    assert report.checked == 1


async def test_readiness_checks_the_s3_store(
    app: FastAPI, client: httpx.AsyncClient, s3_server: S3Server
) -> None:
    good = s3_server.store()
    bad = s3_server.store(secret_access_key=SecretStr("wrong-secret"))
    try:
        app.state.artifact_store = good
        ready = await client.get("/api/v1/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["storage"] == "ok"
        app.state.artifact_store = bad
        down = await client.get("/api/v1/health/ready")
        assert down.status_code == 503
        assert down.json()["checks"]["storage"] == "not_writable"
    finally:
        del app.state.artifact_store
        await good.aclose()
        await bad.aclose()
