import httpx


async def test_health_reports_version_and_database(client: httpx.AsyncClient) -> None:
    from involinks import __version__

    response = await client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__, "database": "ok"}


async def test_unknown_api_path_is_a_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert "/api/v1/no-such-thing" in response.json()["error"]["message"]


async def test_deep_link_serves_the_app_shell(client: httpx.AsyncClient) -> None:
    response = await client.get("/invoices/123/edit")
    assert response.status_code == 200
    assert '<div id="root">' in response.text


async def test_openapi_docs_are_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "InvoLinks API"
