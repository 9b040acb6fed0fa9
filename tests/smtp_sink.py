"""A mail server on 127.0.0.1 that keeps every message it is given (aiosmtpd), for tests that send."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from youthcourt.settings import SmtpSettings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Sink:
    """The messages accepted so far, and the settings that send to it."""

    smtp: SmtpSettings
    received: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    open: threading.Event = field(default_factory=threading.Event)
    """Cleared, the server holds every message until it is set again (senders wait, as on a slow server)."""

    def __post_init__(self) -> None:
        self.open.set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.to_thread(self.open.wait)
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.received.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        with self.lock:
            return [str(message["Subject"]) for message in self.received]


@contextmanager
def smtp_sink(sender: str = "court@example.org") -> Iterator[Sink]:
    port = free_port()
    sink = Sink(SmtpSettings(host="127.0.0.1", port=port, from_address=sender))
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
