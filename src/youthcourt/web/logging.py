"""Keep secrets and search terms that travel in an address out of the server's access log.

A calendar app cannot sign in, so a juror's feed address carries a secret
(``/calendar/<secret>.ics``), and so does a private link given to someone without an account
(``/link/<secret>/hours``, see ``private_links/links.py``): the filter replaces the secret. Query strings are dropped
whole (``/jurors?[query]``): the app's own forms send names in request bodies, but a
hand-typed or old bookmarked address may still hold a name, and the log is kept far longer
than anyone needs to know which filters a page was shown with. The path and the fact that
there was a query stay, which is what reading the log for errors and load needs.
"""

from __future__ import annotations

import logging
import re

SECRET_PATHS = re.compile(r"/(calendar|link)/[^/\s\"?]+")
QUERY_STRING = re.compile(r"(/[^\s\"?]*)\?[^\s\"]*")
"""A path's query string, in an address alone or inside a formatted line (up to a space or a quote)."""


def redact(text: str) -> str:
    """``text`` with the secrets of calendar feeds and private links and query strings replaced."""
    return QUERY_STRING.sub(r"\1?[query]", SECRET_PATHS.sub(r"/\1/[secret]", text))


class RedactSecretPaths(logging.Filter):
    """Rewrites uvicorn's access records in place (their arguments keep their number and order)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger (once)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecretPaths) for f in access.filters):
        access.addFilter(RedactSecretPaths())
