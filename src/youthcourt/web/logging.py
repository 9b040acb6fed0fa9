"""Keep secrets that must travel in an address out of the server's access log.

A calendar app cannot sign in, so a juror's feed address carries a secret
(``/calendar/<secret>.ics``). The access log records every path; this filter replaces
the secret before the line is written.
"""

from __future__ import annotations

import logging
import re

SECRET_PATHS = re.compile(r"/calendar/[^/\s\"?]+")


class RedactSecretPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                SECRET_PATHS.sub("/calendar/[secret]", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = SECRET_PATHS.sub("/calendar/[secret]", record.msg)
        return True


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger (once)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecretPaths) for f in access.filters):
        access.addFilter(RedactSecretPaths())
