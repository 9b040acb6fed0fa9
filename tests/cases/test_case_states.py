"""The case state machine allows exactly the documented transitions."""

from __future__ import annotations

import itertools

import pytest

from youthcourt.cases.models import CaseState
from youthcourt.cases.states import TRANSITIONS, TransitionError, allowed, check

S = CaseState
HAPPY_PATH = [S.REFERRED, S.INTAKE, S.AWAITING_HEARING, S.SCHEDULED, S.SANCTIONS_IN_PROGRESS, S.COMPLETED]


def test_the_happy_path_is_allowed_step_by_step():
    for current, following in itertools.pairwise(HAPPY_PATH):
        assert allowed(current, following)


def test_steps_cannot_be_skipped_or_reversed():
    assert not allowed(S.REFERRED, S.SCHEDULED)
    assert not allowed(S.INTAKE, S.SANCTIONS_IN_PROGRESS)
    assert not allowed(S.AWAITING_HEARING, S.INTAKE)
    assert not allowed(S.SANCTIONS_IN_PROGRESS, S.SCHEDULED)


def test_a_no_show_goes_back_to_waiting():
    assert allowed(S.SCHEDULED, S.AWAITING_HEARING)


@pytest.mark.parametrize("state", [s for s in S if not s.is_closed])
def test_every_open_case_can_be_returned_or_withdrawn(state):
    assert allowed(state, S.UNSUCCESSFUL)
    assert allowed(state, S.WITHDRAWN)
    assert not allowed(state, state), "staying put is not a transition"


@pytest.mark.parametrize("state", [S.COMPLETED, S.UNSUCCESSFUL, S.WITHDRAWN])
def test_closed_cases_are_final(state):
    assert TRANSITIONS[state] == frozenset()
    with pytest.raises(TransitionError, match="cannot become"):
        check(state, S.INTAKE)


def test_only_successful_cases_come_from_sanctions():
    assert [s for s in S if allowed(s, S.COMPLETED)] == [S.SANCTIONS_IN_PROGRESS]
