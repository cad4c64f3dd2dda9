"""The API's browsable docs at /docs, from the Swagger UI files the fastapi-offline package ships
and this service serves itself: a commission's closed network reaches no CDN."""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from ._guard import CSP

__all__ = ["ASSETS", "router", "serve_docs"]

ASSETS = "/docs/assets"  # swagger-ui-bundle.js, swagger-ui.css, favicon.png
_INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _policy(html: str) -> str:
    """The service's content policy, letting through the one inline script that starts Swagger
    UI on this page (by its hash: no other inline script runs)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE.findall(html))
    return CSP.replace("default-src 'self';", f"default-src 'self'; script-src 'self' {hashes};")


router = APIRouter(include_in_schema=False)


@router.get("/docs")
async def docs(request: Request) -> HTMLResponse:
    """Swagger UI over the app's own OpenAPI document, its files served by the app."""
    app: FastAPI = request.app
    root = request.scope.get("root_path", "")
    page = get_swagger_ui_html(
        openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} — API",
        swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS}/favicon.png", oauth2_redirect_url=None)
    html = bytes(page.body).decode()
    return HTMLResponse(html, headers={"Content-Security-Policy": _policy(html)})


def serve_docs(app: FastAPI) -> None:
    """GET /docs and its assets on `app` (made with `docs_url=None, redoc_url=None`)."""
    app.mount(ASSETS, StaticFiles(directory=Path(str(files("fastapi_offline") / "static"))),
              name="docs-assets")
    app.include_router(router)
