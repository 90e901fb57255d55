"""FastAPI dependency giving route handlers the access point of their app."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from involinks.peppol.sandbox.engine import SandboxAccessPoint

__all__ = ["AccessPoint", "get_access_point"]


async def get_access_point(request: Request) -> SandboxAccessPoint:
    return cast(SandboxAccessPoint, request.app.state.access_point)


AccessPoint = Annotated[SandboxAccessPoint, Depends(get_access_point)]
