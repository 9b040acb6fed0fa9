"""Two app servers and two workers on one PostgreSQL database, as in production.

Real ``youthcourt run`` and ``youthcourt worker`` processes, each with a data folder of its own:
a document uploaded through one server is downloaded through the other, byte for byte, and 100
queued messages reach the mail server once each, with both workers sending at the same time.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.conftest import SECRET, _postgres_admin, _postgres_url, make_settings
from tests.factories import PASSWORD, TOTP_SECRET, make_program, make_referral, make_user
from tests.smtp_sink import Sink, free_port, smtp_sink
from youthcourt.accounts import mfa
from youthcourt.database import create_database_config
from youthcourt.jurors.models import OutboxMessage, OutboxStatus
from youthcourt.programs.models import Role
from youthcourt.referrals.models import Document

MESSAGES = 100
STARTUP_SECONDS = 60
PDF = b"%PDF-1.7\n" + os.urandom(700_000) + b"\n%%EOF\n"  # several rows of the database store


@dataclass
class Seeded:
    email: str
    referral_id: uuid.UUID


@pytest.fixture
def database(postgres_template: str) -> Iterator[str]:
    """A fresh database made by the migrations (the run's template), dropped at the end."""
    name = f"youthcourt_servers_{uuid.uuid4().hex[:10]}"
    asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    yield _postgres_url(name)
    asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def on_database(url: str, tmp_path: Path, work: Callable[[Any], Any]) -> Any:
    async def run() -> Any:
        config = create_database_config(make_settings(url, tmp_path))
        try:
            async with config.get_session() as db:
                return await work(db)
        finally:
            await config.get_engine().dispose()

    return asyncio.run(run())


async def seed(db: Any) -> Seeded:
    """A coordinator with a referral, and the outbox of a busy night."""
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    referral = await make_referral(db, program)
    db.add_all(
        OutboxMessage(
            program_id=program.id,
            to_address=f"juror{number}@example.org",
            subject=f"Message {number:03d}",
            body="Hello",
            kind="juror_invitation",
        )
        for number in range(MESSAGES)
    )
    await db.commit()
    return Seeded(coordinator.email, referral.id)


@contextlib.contextmanager
def processes(*commands: tuple[list[str], dict[str, str], Path]) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start every command (with its environment and log file); stop them all at the end."""
    started: list[subprocess.Popen[bytes]] = []
    with contextlib.ExitStack() as logs:
        try:
            for arguments, env, log in commands:
                started.append(
                    subprocess.Popen(  # noqa: S603 - our own command
                        [sys.executable, "-c", "from youthcourt.cli import main; main()", *arguments],
                        env=env,
                        stdout=logs.enter_context(log.open("wb")),
                        stderr=subprocess.STDOUT,
                    )
                )
            yield started
        finally:
            for process in started:
                process.terminate()
            for process in started:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


def environment(url: str, data_dir: Path, sink: Sink) -> dict[str, str]:
    data_dir.mkdir()
    return {
        **os.environ,
        "YOUTHCOURT_ENV": "development",
        "YOUTHCOURT_DATABASE_URL": url,
        "YOUTHCOURT_DATA_DIR": str(data_dir),
        "YOUTHCOURT_SECRET_KEY": SECRET,
        "YOUTHCOURT_SMTP_HOST": sink.smtp.host,
        "YOUTHCOURT_SMTP_PORT": str(sink.smtp.port),
        "YOUTHCOURT_SMTP_FROM": sink.smtp.from_address,
    }


def wait_until(check: Callable[[], Any], what: str, logs: Path, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            told = "\n".join(
                f"--- {log.name}\n{log.read_text()[-3000:]}" for log in sorted(logs.glob("*.log"))
            )
            raise AssertionError(f"timed out waiting for {what}\n{told}")
        time.sleep(0.1)


def answers(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/health", timeout=1) as response:  # noqa: S310 - local server
            return response.status == 200
    except OSError:
        return False


def sign_in(client: httpx.Client, base_url: str, email: str) -> None:
    """The password, then a code from the authenticator, as a browser does."""
    login = client.get(f"{base_url}/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', login.text)
    assert token, login.text[:500]
    step = client.post(
        f"{base_url}/login", data={"email": email, "password": PASSWORD, "_csrf_token": token.group(1)}
    )
    assert step.status_code == 303 and step.headers["location"].startswith("/login/code"), step.text[:500]
    if mfa.STEP_SECONDS - time.time() % mfa.STEP_SECONDS < 2:
        time.sleep(2)  # a code about to expire could expire on the way
    code = mfa.code_at(TOTP_SECRET, mfa.current_step(time.time()))
    done = client.post(
        f"{base_url}/login/code", data={"code": code, "_csrf_token": client.cookies["youthcourt_csrf"]}
    )
    assert done.status_code == 303, done.text[:500]


def test_two_servers_serve_each_others_documents_and_two_workers_send_each_message_once(database, tmp_path):
    seeded: Seeded = on_database(database, tmp_path, seed)
    servers = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    with smtp_sink() as sink:
        sink.open.clear()  # held, so that both workers are sending at the same time
        with processes(*commands(database, tmp_path, sink, servers)) as started:
            wait_until(lambda: claims(database, tmp_path) >= 2, "both workers to claim messages", tmp_path)
            sink.open.set()
            downloaded = upload_to_one_download_from_the_other(servers, seeded, database, tmp_path)
            wait_until(lambda: sent(database, tmp_path) == MESSAGES, "every message to be sent", tmp_path)
            time.sleep(1.5)  # a round more of both workers: nothing goes twice
            assert all(process.poll() is None for process in started), "every process still runs"

    assert downloaded.status_code == 200
    assert downloaded.content == PDF
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    assert not any((tmp_path / f"server{n}" / "uploads").exists() for n in range(2)), "on neither disk"
    delivered = collections.Counter(sink.subjects())
    assert len(delivered) == MESSAGES and set(delivered.values()) == {1}, "each message exactly once"
    logged = [sent_by_worker(tmp_path / f"worker{n}.log") for n in range(2)]
    assert sum(logged) == MESSAGES and all(logged), f"both workers sent, {logged} between them"


def commands(database: str, tmp_path: Path, sink: Sink, servers: list[str]) -> list[tuple[Any, ...]]:
    """Two app servers and two workers, each with a data folder and a log of its own."""
    run = [
        (
            ["run", "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1]],
            environment(database, tmp_path / f"server{n}", sink),
            tmp_path / f"server{n}.log",
        )
        for n, url in enumerate(servers)
    ]
    work = [
        (
            ["worker", "--interval", "1"],
            environment(database, tmp_path / f"worker{n}", sink),
            tmp_path / f"worker{n}.log",
        )
        for n in range(2)
    ]
    return run + work


def upload_to_one_download_from_the_other(
    servers: list[str], seeded: Seeded, database: str, tmp_path: Path
) -> httpx.Response:
    """Signed in once (the session lives in the database), as behind a load balancer."""
    for url in servers:
        wait_until(lambda url=url: answers(url), f"{url} to answer", tmp_path)
    with httpx.Client(follow_redirects=False, timeout=30) as browser:
        sign_in(browser, servers[0], seeded.email)
        uploaded = browser.post(
            f"{servers[0]}/referrals/{seeded.referral_id}/documents",
            data={"title": "Police report", "_csrf_token": browser.cookies["youthcourt_csrf"]},
            files={"file": ("report.pdf", PDF, "application/pdf")},
        )
        assert uploaded.status_code == 303, uploaded.text[:500]
        document_id = on_database(database, tmp_path, lambda db: db.scalar(select(Document.id)))
        return browser.get(f"{servers[1]}/referrals/{seeded.referral_id}/documents/{document_id}")


def claims(url: str, tmp_path: Path) -> int:
    """How many senders hold messages now."""
    query = select(func.count(func.distinct(OutboxMessage.claim_token))).where(
        OutboxMessage.claim_token.is_not(None)
    )
    return on_database(url, tmp_path, lambda db: db.scalar(query))


def sent(url: str, tmp_path: Path) -> int:
    query = select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT)
    return on_database(url, tmp_path, lambda db: db.scalar(query))


def sent_by_worker(log: Path) -> int:
    """What a worker's log says it sent, over all its rounds."""
    return sum(int(count) for count in re.findall(r"mail: (\d+) messages? sent", log.read_text()))
