"""The access log keeps each request's path but never its query string (which may hold a name)."""

from __future__ import annotations

import logging

import pytest
from uvicorn.logging import AccessFormatter

from youthcourt.web.logging import RedactSecretPaths, redact, redact_access_log

UVICORN_ACCESS = '%s - "%s %s HTTP/%s" %d'
"""The message and argument order of uvicorn's access records (protocols/http/h11_impl.py)."""


def access_record(path: str, status: int = 200) -> logging.LogRecord:
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        UVICORN_ACCESS,
        ("127.0.0.1:51234", "GET", path, "1.1", status),
        None,
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/cases?q=Marlowe&state=open", "/cases?[query]"),
        ("/jurors?q=ana%20reg&page=2", "/jurors?[query]"),
        ("/admin/users?q=someone%40example.org", "/admin/users?[query]"),
        ("/?email=x", "/?[query]"),
        ("/calendar/s3cr3t-token.ics?v=1", "/calendar/[secret]?[query]"),
    ],
)
def test_query_strings_are_replaced_and_the_path_kept(path: str, expected: str):
    record = access_record(path)
    assert RedactSecretPaths().filter(record)
    assert record.args[2] == expected
    line = record.getMessage()
    assert line == f'127.0.0.1:51234 - "GET {expected} HTTP/1.1" 200'
    for secret in ("Marlowe", "ana", "example.org", "email", "s3cr3t", "v=1"):
        assert secret not in line


def test_paths_without_a_query_are_left_alone():
    record = access_record("/jurors/0b7a1c8e-7d2f-4c59-9a55-3f1f0c9f2a10", 303)
    assert RedactSecretPaths().filter(record)
    assert (
        record.getMessage()
        == '127.0.0.1:51234 - "GET /jurors/0b7a1c8e-7d2f-4c59-9a55-3f1f0c9f2a10 HTTP/1.1" 303'
    )


def test_uvicorns_own_formatter_still_formats_the_redacted_record():
    """uvicorn's formatter unpacks the five arguments by position: the filter must keep them."""
    record = access_record("/cases?q=Marlowe")
    RedactSecretPaths().filter(record)
    line = AccessFormatter(fmt='%(client_addr)s "%(request_line)s" %(status_code)s', use_colors=False).format(
        record
    )
    assert line == '127.0.0.1:51234 "GET /cases?[query] HTTP/1.1" 200 OK'


def test_a_line_formatted_before_logging_is_redacted_too():
    assert redact('10.0.0.1 - "GET /audit?actor=Dana+Smith HTTP/1.1" 200') == (
        '10.0.0.1 - "GET /audit?[query] HTTP/1.1" 200'
    )


def test_the_filter_is_installed_on_uvicorns_access_logger_once(caplog: pytest.LogCaptureFixture):
    access = logging.getLogger("uvicorn.access")
    redact_access_log()
    redact_access_log()
    assert sum(isinstance(f, RedactSecretPaths) for f in access.filters) == 1
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        access.info(UVICORN_ACCESS, "127.0.0.1:1", "GET", "/cases?q=Marlowe", "1.1", 200)
    assert "Marlowe" not in caplog.text
    assert "/cases?[query]" in caplog.text
