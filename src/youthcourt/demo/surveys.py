"""Demo exit surveys: a year of answers from respondents, parents and jurors, with a few comments.

Answers are written as plain rows with the default questions (version 1 of each survey), spread
over the last twelve months, most of them agreeing, as youth court evaluations usually find; none
is linked to a case (as most people leave the box unticked). A handful of statements in all.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from youthcourt.programs.viewer import today_in
from youthcourt.surveys.models import SurveyAnswer, SurveyItem, SurveyKind, SurveyVersion
from youthcourt.surveys.questions import DEFAULT_QUESTIONS

if TYPE_CHECKING:
    from youthcourt.demo import DemoContext

ANSWERS_PER_MONTH = {SurveyKind.RESPONDENT: 4, SurveyKind.GUARDIAN: 3, SurveyKind.JUROR: 6}
COMMENTS = {
    SurveyKind.RESPONDENT: (
        "The jurors were my age and they actually listened.",
        "I wish the hearing had been earlier in the evening.",
        "I was scared at first but I got to explain what happened.",
    ),
    SurveyKind.GUARDIAN: (
        "My son was nervous but everyone was respectful.",
        "More time to talk to the coordinator before the hearing would help.",
        "The letter with the date came late; a text message would be easier for us.",
    ),
    SurveyKind.JUROR: (
        "Being on the jury after my own hearing helped me see it from the other side.",
        "The training helped me ask better questions.",
    ),
}
"""A few comments each survey's people would write: a parent's about their child, a juror's about serving."""
WEIGHTS = (1, 2, 6, 20, 18)
"""How often each answer, 1 to 5, comes up: mostly agree."""


async def add_survey_answers(context: DemoContext) -> None:
    db, program, rng = context.db, context.program, context.rng
    versions = {}
    for kind, (statements, free_text) in DEFAULT_QUESTIONS.items():
        versions[kind] = SurveyVersion(
            program_id=program.id, kind=kind, number=1, statements=statements, free_text_question=free_text
        )
    db.add_all(versions.values())
    await db.flush()
    month = today_in(program.timezone).replace(day=1)
    answers = []
    for _ in range(12):
        for kind, count in ANSWERS_PER_MONTH.items():
            for _ in range(count):
                answer = SurveyAnswer(
                    program_id=program.id,
                    kind=kind,
                    version_id=versions[kind].id,
                    answered_month=month,
                    comment=rng.choice(COMMENTS[kind]) if rng.random() < 0.2 else "",
                )
                answer.items = [
                    SurveyItem(program_id=program.id, position=i, value=rng.choices(range(1, 6), WEIGHTS)[0])
                    for i in range(len(versions[kind].statements))
                ]
                answers.append(answer)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    db.add_all(answers)
    await db.flush()
