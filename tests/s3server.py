"""A real S3-compatible HTTP server for the tests: moto's S3 in server mode on a free port.

moto's request authentication is switched on, so every request must carry a SigV4 signature that
moto (an independent implementation) accepts: the S3 tests check our signer end to end as well.
Without moto the tests that need it are skipped with the reason, and fail under CI=true.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

import httpx
import pytest
from pydantic import SecretStr

from involinks.storage import sigv4
from involinks.storage.s3 import S3ArtifactStore

REGION = "us-east-1"
BUCKET = "involinks-test"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    port: int
    access_key_id: str
    secret_access_key: str
    region: str = REGION
    bucket: str = BUCKET

    def store(self, **overrides: Any) -> S3ArtifactStore:
        options: dict[str, Any] = {
            "endpoint_url": self.endpoint_url,
            "bucket": self.bucket,
            "region": self.region,
            "access_key_id": self.access_key_id,
            "secret_access_key": SecretStr(self.secret_access_key),
            "prefix": f"t-{uuid.uuid4().hex[:12]}",  # each test its own corner of the bucket
            "addressing_style": "path",
            "timeout_seconds": 10.0,
        }
        options.update(overrides)
        return S3ArtifactStore(**options)

    def env(self, prefix: str) -> dict[str, str]:
        """The environment that points the application at this server."""
        return {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_REGION": self.region,
            "S3_BUCKET": self.bucket,
            "S3_PREFIX": prefix,
            "S3_ACCESS_KEY_ID": self.access_key_id,
            "S3_SECRET_ACCESS_KEY": self.secret_access_key,
            "S3_ADDRESSING_STYLE": "path",
        }


def _unavailable(reason: str) -> NoReturn:
    message = f"no S3-compatible test server: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _create_bucket(server: S3Server) -> None:
    host = f"127.0.0.1:{server.port}"
    path = f"/{server.bucket}"
    headers = sigv4.sign(
        method="PUT",
        encoded_path=path,
        headers={"host": host},
        payload_sha256=sigv4.EMPTY_SHA256,
        access_key_id=server.access_key_id,
        secret_access_key=server.secret_access_key,
        region=server.region,
    )
    response = httpx.put(f"{server.endpoint_url}{path}", headers=headers, timeout=10)
    response.raise_for_status()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    try:
        from moto import settings as moto_settings
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.iam.models import iam_backends
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        _unavailable(f"moto[s3] and flask are not installed ({exc}); run `uv sync`")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    try:
        server.start()
    except Exception as exc:
        _unavailable(f"moto's server did not start ({type(exc).__name__}: {exc})")
    previous_auth = moto_settings.INITIAL_NO_AUTH_ACTION_COUNT
    try:
        _host, port = server.get_host_and_port()
        endpoint = f"http://127.0.0.1:{port}"
        # A user allowed to use S3, then authentication for every request from now on.
        iam = iam_backends[DEFAULT_ACCOUNT_ID]["global"]
        user = f"involinks-{uuid.uuid4().hex[:8]}"
        iam.create_user(REGION, user)
        iam.put_user_policy(
            user,
            "s3",
            json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                }
            ),
        )
        key = iam.create_access_key(user)
        httpx.post(f"{endpoint}/moto-api/reset-auth", content=b"0", timeout=10).raise_for_status()
        s3 = S3Server(
            endpoint_url=endpoint,
            port=port,
            access_key_id=key.access_key_id,
            secret_access_key=key.secret_access_key,
        )
        _create_bucket(s3)
        yield s3
    finally:
        moto_settings.INITIAL_NO_AUTH_ACTION_COUNT = previous_auth
        server.stop()


@pytest.fixture
async def s3_store(s3_server: S3Server) -> AsyncIterator[S3ArtifactStore]:
    store = s3_server.store()
    yield store
    await store.aclose()
