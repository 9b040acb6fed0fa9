"""The request transaction commits before the response leaves, and a failed commit is never hidden."""

from __future__ import annotations

from types import SimpleNamespace

from youthcourt.database import commit_before_send


class FakeConfig:
    """Hands out the request's session as Advanced Alchemy's configuration does."""

    @staticmethod
    def provide_session(_state: object, scope: dict) -> FakeSession:
        return scope["session"]


CONFIG = FakeConfig()


class FakeSession:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[str] = []

    async def commit(self) -> None:
        self.calls.append("commit")
        if self.fail:
            raise RuntimeError("unique constraint violated")

    async def rollback(self) -> None:
        self.calls.append("rollback")

    async def close(self) -> None:
        self.calls.append("close")


def _scope(session: FakeSession) -> dict:
    return {"path": "/x", "app": SimpleNamespace(state={}), "session": session}


async def _send(handler, scope, status: int) -> tuple[dict, dict]:
    start = {"type": "http.response.start", "status": status, "headers": [(b"location", b"/done")]}
    body = {"type": "http.response.body", "body": b"<h1>Saved</h1>", "more_body": False}
    await handler(start, scope)
    await handler(body, scope)
    return start, body


async def test_success_and_redirect_commit():
    handler = commit_before_send(CONFIG)
    for status in (200, 303):
        session = FakeSession()
        await _send(handler, _scope(session), status)
        assert session.calls == ["commit", "close"]


async def test_errors_and_rejected_forms_roll_back():
    handler = commit_before_send(CONFIG)
    for status in (401, 403, 422, 500):
        session = FakeSession()
        await _send(handler, _scope(session), status)
        assert session.calls == ["rollback", "close"]


async def test_a_failed_commit_becomes_an_error_page():
    session = FakeSession(fail=True)
    start, body = await _send(commit_before_send(CONFIG), _scope(session), 303)
    assert start["status"] == 500
    assert (b"location", b"/done") not in start["headers"]
    assert b"not saved" in body["body"]
    assert session.calls == ["commit", "rollback", "close"]
