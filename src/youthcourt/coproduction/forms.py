"""The self-assessment form: the period, then a score and a comment for each of the six questions.

Its messages are the shared fields' (``Choose a score for Assets.``), in the reader's language:
the labels are marked ``N_`` and completed with the question's title, translated (``{title}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from youthcourt.coproduction.questions import QUESTIONS, SCORE_CHOICES, Element
from youthcourt.web.forms import Choice, DeclaredForm, Form, Hidden, Text
from youthcourt.web.i18n import N_, _

COMMENT_LENGTH = 2000


class PeriodForm(DeclaredForm):
    period = Choice(N_("the period to assess"))


class AnswerForm(DeclaredForm):
    """One question's row, read with the element as its prefix (``assets-score``)."""

    score = Choice(N_("a score for {title}"), options=SCORE_CHOICES)
    comment = Text(N_("the comment on {title}"), required=False, max_length=COMMENT_LENGTH)


class VersionForm(DeclaredForm):
    version = Hidden()


def answer_field(element: Element, name: str) -> str:
    return f"{element.value}-{name}"


@dataclass(frozen=True)
class ReadAnswers:
    """The six answers as typed, checked: element -> (score, comment). Empty when the form has errors."""

    answers: dict[Element, tuple[int, str]]


def read_answers(form: Form) -> ReadAnswers:
    answers: dict[Element, tuple[int, str]] = {}
    for question in QUESTIONS:
        row = AnswerForm.read(form, prefix=f"{question.element.value}-", words={"title": _(question.title)})
        if not row.has_error("score") and not row.has_error("comment"):
            answers[question.element] = (int(row.score), row.comment)
    return ReadAnswers(answers if form.is_valid else {})


def read_period(form: Form, offered: Mapping[str, Any]) -> str:
    """The period chosen among those offered; empty, with the form's error, when none is."""
    period = PeriodForm.read(form, options={"period": offered}).period
    return period if period in offered else ""
