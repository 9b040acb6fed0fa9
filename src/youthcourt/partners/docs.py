"""The API's OpenAPI document and its reference page, both under ``/api/v1/schema``.

The page is Swagger UI from the app's own static files (no CDN, so it works offline and under the
app's Content-Security-Policy) and lists the partner API only: every other route is left out of
the document. Both are public: they describe how to call the API, and hold no record.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request, Router
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Server

from youthcourt.programs.guards import PUBLIC

SCHEMA_PATH = "/api/v1/schema"
DESCRIPTION = """\
For police departments, schools and probation offices that refer young people to a youth court.

Each call sends the API key the program gave your agency: `Authorization: Bearer yck_...`.
A key reads and writes only your agency's referrals in that program. Errors are RFC 9457
problem details (`application/problem+json`), with one message per field in `errors`.
Sending the same referral again (the same `reference`, or the same `Idempotency-Key` header)
returns the referral already made instead of making another.
"""


class ReferencePage(SwaggerRenderPlugin):
    """Swagger UI from the app's static files, started by a static script rather than inline code."""

    def receive_router(self, router: Router) -> None:
        """No OAuth2 redirect page: the API takes keys, not OAuth2."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = escape(openapi_schema["info"]["title"])
        return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui.css">
<script src="/static/vendor/swagger-ui-bundle.js" defer></script>
<script src="/static/api-docs.js" defer></script>
</head>
<body>
<div id="api-reference" data-schema-url="{SCHEMA_PATH}/openapi.json"></div>
</body>
</html>""".encode()


def openapi_config(version: str) -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Youthcourt partner API",
        version=version,
        description=DESCRIPTION,
        path=SCHEMA_PATH,
        servers=[Server(url="/")],
        components=Components(
            security_schemes={
                "apiKey": SecurityScheme(
                    type="http", scheme="bearer", description="The key issued to your agency (yck_...)."
                )
            }
        ),
        render_plugins=[ReferencePage(path="/"), JsonRenderPlugin(path="/openapi.json")],
        openapi_router=Router(SCHEMA_PATH, route_handlers=[], include_in_schema=False, opt=PUBLIC),
    )
