"""The case state machine: the one place that says which state may follow which.

    referred -> intake -> awaiting hearing -> scheduled -> sanctions in progress -> completed
                                                  ^            |
                                                  +------------+  (no-show, rescheduled)

Any open case may also end unsuccessful (returned to the source) or withdrawn.
"""

from __future__ import annotations

from youthcourt.cases.models import CLOSED_STATES, CaseState
from youthcourt.web.errors import ConflictError
from youthcourt.web.i18n import _

S = CaseState
_ENDINGS = {S.UNSUCCESSFUL, S.WITHDRAWN}

TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    S.REFERRED: frozenset({S.INTAKE, *_ENDINGS}),
    S.INTAKE: frozenset({S.AWAITING_HEARING, *_ENDINGS}),
    S.AWAITING_HEARING: frozenset({S.SCHEDULED, *_ENDINGS}),
    S.SCHEDULED: frozenset({S.AWAITING_HEARING, S.SANCTIONS_IN_PROGRESS, *_ENDINGS}),
    S.SANCTIONS_IN_PROGRESS: frozenset({S.COMPLETED, *_ENDINGS}),
    S.COMPLETED: frozenset(),
    S.UNSUCCESSFUL: frozenset(),
    S.WITHDRAWN: frozenset(),
}


class TransitionError(ValueError):
    """The case cannot move from its state to the one asked for."""

    def __init__(self, current: CaseState, wanted: CaseState) -> None:
        super().__init__(
            _(
                "A case that is %(current)s cannot become %(wanted)s.",
                current=_(current.label).lower(),
                wanted=_(wanted.label).lower(),
            )
        )
        self.current = current
        self.wanted = wanted


class TransitionConflict(TransitionError, ConflictError):
    """Another request moved the case first: it is no longer in the state this one read."""

    def __init__(self, current: CaseState, wanted: CaseState) -> None:
        super().__init__(current, wanted)
        self.args = (
            _(
                "Someone else changed this case at the same time: it is now %(current)s. "
                "Nothing was changed; reload the case and try again.",
                current=_(current.label).lower(),
            ),
        )


def allowed(current: CaseState, wanted: CaseState) -> bool:
    return wanted in TRANSITIONS[current]


def check(current: CaseState, wanted: CaseState) -> None:
    if not allowed(current, wanted):
        raise TransitionError(current, wanted)


def is_open(state: CaseState) -> bool:
    return state not in CLOSED_STATES
