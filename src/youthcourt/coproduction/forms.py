"""The self-assessment form: the period, then a score and a comment for each of the six questions.

Its messages are whole sentences in the reader's language (``Choose a score for Assets.``), with
the question's title translated in them, rather than the English-only messages the shared field
readers build from a label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from youthcourt.coproduction.questions import QUESTIONS, SCORE_CHOICES, Element
from youthcourt.web.forms import Choice, Context, DeclaredForm, Field, Form, Hidden
from youthcourt.web.i18n import N_, _

COMMENT_LENGTH = 2000


class Pick(Choice):
    """One of the options; when none is chosen, ``refusal`` (a marked sentence) says what to choose."""

    def __init__(self, refusal: str, *, options: Mapping[str, Any] | None = None) -> None:
        super().__init__(refusal, options=options)
        self.refusal = refusal

    def read(self, form: Form, name: str, context: Context) -> str:
        options = self.options if self.options is not None else context.options[self.attribute]
        value = form.get(name)
        if value not in options:
            form.error(name, _(self.refusal, **context.words))
        return value


class Comment(Field):
    """Optional free text of at most ``max_length`` characters; ``too_long`` says so when it is longer."""

    def __init__(self, too_long: str, *, max_length: int) -> None:
        super().__init__(too_long, required=False)
        self.too_long = too_long
        self.max_length = max_length

    def read(self, form: Form, name: str, context: Context) -> str:
        value = form.get(name).strip()
        if len(value) > self.max_length:
            form.error(name, _(self.too_long, max=str(self.max_length), **context.words))
        return value


class PeriodForm(DeclaredForm):
    period = Pick(N_("Choose the period to assess."))


class AnswerForm(DeclaredForm):
    """One question's row, read with the element as its prefix (``assets-score``)."""

    score = Pick(N_("Choose a score for %(title)s."), options=SCORE_CHOICES)
    comment = Comment(
        N_("The comment on %(title)s must be at most %(max)s characters."), max_length=COMMENT_LENGTH
    )


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
