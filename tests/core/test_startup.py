import asyncio
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from involinks.app import create_app
from involinks.config import Settings
from involinks.core.migrate import DatabaseNotMigrated, upgrade


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}",
        secret_key=SecretStr("x" * 40),
        web_dist_dir=tmp_path / "web",
    )


async def test_refuses_to_start_on_an_unmigrated_database(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path))
    with pytest.raises(DatabaseNotMigrated, match="involinks db upgrade"):
        async with app.router.lifespan_context(app):
            pass


async def test_starts_once_migrated_and_serves_built_web_app(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    await asyncio.to_thread(upgrade, settings.database_url)
    (tmp_path / "web" / "assets").mkdir(parents=True)
    (tmp_path / "web" / "index.html").write_text('<div id="root"></div><script src="/assets/a.js">')
    (tmp_path / "web" / "assets" / "a.js").write_text("console.log(1)")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/api/v1/health")).json()["status"] == "ok"
            shell = await client.get("/some/deep/link")
            assert shell.text.startswith('<div id="root">')
            assert (await client.get("/assets/a.js")).text == "console.log(1)"
            traversal = await client.get("/..%2f..%2fetc/passwd")
            assert "root:" not in traversal.text


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(environment="production", data_dir=tmp_path)
