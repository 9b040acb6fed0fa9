"""Security headers on every response (OWASP ASVS 3.4, CJIS 5.10)."""

from __future__ import annotations

from litestar import Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def security_headers(production: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if production:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


async def add_no_store(response: Response) -> Response:
    """Pages may hold children's records: no browser or proxy may keep a copy.

    A coroutine: Litestar runs a plain function hook in a thread pool, a hop on every response.
    """
    if "cache-control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response
