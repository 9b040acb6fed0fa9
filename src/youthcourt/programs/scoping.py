"""The one mechanism that limits every query to the signed-in user's program.

Each request runs inside a :class:`ProgramScope` (set by the sign-in middleware).
A SQLAlchemy ``do_orm_execute`` hook adds ``program_id IN (...)`` to every SELECT
touching a :class:`ProgramOwned` table, and a ``before_flush`` hook refuses to write
a record into a program outside the scope. Code outside a request (the command line,
migrations, demo data) runs unscoped, which is why the scope is explicit there.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, event, or_
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from youthcourt.programs.models import ProgramOwned


class OutOfScopeError(PermissionError):
    """A write would put a record into a program outside the current scope."""


@dataclass(frozen=True)
class ProgramScope:
    """The programs whose records the current code may read and write."""

    program_ids: frozenset[UUID]
    include_unowned: bool = False
    """Also see records of no program (site-level audit entries): for site administrators only."""

    @classmethod
    def of(cls, *program_ids: UUID | None, include_unowned: bool = False) -> ProgramScope:
        return cls(frozenset(pid for pid in program_ids if pid is not None), include_unowned)

    def allows(self, program_id: UUID | None) -> bool:
        if program_id is None:
            return self.include_unowned
        return program_id in self.program_ids


NOTHING = ProgramScope(frozenset())
_current: ContextVar[ProgramScope | None] = ContextVar("program_scope", default=None)


def current_scope() -> ProgramScope | None:
    return _current.get()


@contextmanager
def program_scope(scope: ProgramScope) -> Iterator[ProgramScope]:
    """Run the enclosed code limited to ``scope``."""
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def switch_scope(scope: ProgramScope) -> None:
    """Continue the current request in ``scope``: at sign-in, when a visitor becomes a user.

    The request's own scope is restored when the request ends.
    """
    _current.set(scope)


@contextmanager
def across_programs() -> Iterator[None]:
    """Lift the scope, for the few reads that must span programs by nature.

    Signing in is the one use in request code: it must find all of a user's programs
    before there is a current program to scope to.
    """
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def _scoped_program() -> UUID:
    """The one program of the current scope, read when a statement runs (see :data:`_ONE_PROGRAM`)."""
    scope = _current.get()
    if scope is None or len(scope.program_ids) != 1:
        raise OutOfScopeError("a statement limited to one program ran outside that program's scope")
    (program_id,) = scope.program_ids
    return program_id


_SCOPED_PROGRAM = bindparam("scope_program", callable_=_scoped_program)
_ONE_PROGRAM = with_loader_criteria(
    ProgramOwned,
    lambda cls: cls.program_id == _SCOPED_PROGRAM,
    include_aliases=True,
    track_closure_variables=False,
)
"""A user's requests are scoped to one program: ``program_id = ?``, its value taken when each statement
runs. The criteria are the same for every scope, so SQLAlchemy builds their SQL once; an ``IN`` list
is rewritten for its length on every statement (a tenth of a millisecond each)."""


@functools.lru_cache(maxsize=1024)
def _criteria(scope: ProgramScope) -> Any:
    """The option that limits a statement to ``scope``, built once per scope, not per statement."""
    allowed = tuple(scope.program_ids)
    if scope.include_unowned:
        return with_loader_criteria(
            ProgramOwned,
            lambda cls: or_(cls.program_id.in_(allowed), cls.program_id.is_(None)),
            include_aliases=True,
        )
    if len(allowed) == 1:
        return _ONE_PROGRAM
    return with_loader_criteria(ProgramOwned, lambda cls: cls.program_id.in_(allowed), include_aliases=True)


_SCOPED: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def scoped(statement: Any) -> Any:
    """``statement`` limited to the one program of the current scope, made once for each statement.

    SQLAlchemy finds a statement's compiled SQL by a key it computes from the whole statement, and
    keeps the key on the statement object: a statement built once per process (a dashboard panel's)
    has its key computed once. Limited anew on every run, it was a new object each time, whose key
    was computed again (0.1 to 0.2 ms a statement). The criteria hold no program (see
    :data:`_ONE_PROGRAM`), so one limited copy serves every program; a statement built for one
    request is let go with it. A scope of several programs (rare) is limited on each run.
    """
    limited = _SCOPED.get(statement)
    if limited is None:
        limited = _SCOPED[statement] = statement.options(_ONE_PROGRAM)
    return limited


@event.listens_for(Session, "do_orm_execute")
def _limit_reads_to_scope(execute_state: ORMExecuteState) -> None:
    scope = _current.get()
    if scope is None:
        return
    if not (execute_state.is_select or execute_state.is_update or execute_state.is_delete):
        return
    criteria = _criteria(scope)
    statement = execute_state.statement
    execute_state.statement = scoped(statement) if criteria is _ONE_PROGRAM else statement.options(criteria)


@event.listens_for(Session, "before_flush")
def _refuse_writes_outside_scope(session: Session, _context: Any, _instances: Any) -> None:
    scope = _current.get()
    if scope is None:
        return
    for record in (*session.new, *session.dirty):
        if isinstance(record, ProgramOwned):
            refuse_outside_scope(record)


def refuse_outside_scope(record: ProgramOwned) -> None:
    """Raise :class:`OutOfScopeError` if ``record`` belongs to a program outside the current scope:
    what the unit of work checks of every row it writes, for a row written without it."""
    scope = _current.get()
    if scope is not None and not scope.allows(record.program_id):
        raise OutOfScopeError(f"{type(record).__name__} belongs to a program outside the current scope")
