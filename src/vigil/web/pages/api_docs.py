"""Interactive documentation of the HTTP API under ``/api/v1``.

Swagger UI (vendored under ``static/vendor``, see its README) draws the app's OpenAPI
document. FastAPI's own docs page starts Swagger UI with an inline script and loads it from
a CDN; both are refused by Vigil's Content-Security-Policy, so this page is a template and
a static initialiser (``static/pages/api_docs.js``) reading its settings from data
attributes. The page is public, as the OpenAPI document it draws already is.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from vigil.web.app import API_PREFIX, OPENAPI_PATH, render
from vigil.web.permissions import public

#: Where the interactive documentation is served.
API_DOCS_PATH: Final = f"{API_PREFIX}/docs"

router = APIRouter()


@router.get(API_DOCS_PATH, response_class=HTMLResponse, include_in_schema=False, dependencies=[Depends(public())])
def api_docs(request: Request) -> Response:
    """Swagger UI over the OpenAPI document; "Try it out" uses the session or an API key."""
    return render(request, "pages/api_docs.html", {"openapi_url": OPENAPI_PATH})
