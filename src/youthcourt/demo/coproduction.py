"""Demo co-production self-assessments: the program's last four complete quarters.

Scores climb the way a program's do once it starts looking: strengths and former respondents on
juries early, catalysts and networks last. Written by hand, not drawn at random, so the comments
read like a coordinator's; the dates follow today so the chart always ends at the last quarter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from youthcourt.coproduction.models import Answer, SelfAssessment
from youthcourt.coproduction.periods import key_of
from youthcourt.coproduction.questions import Element
from youthcourt.programs.viewer import today_in
from youthcourt.reports.measures import recent_quarters

if TYPE_CHECKING:
    from youthcourt.demo import DemoContext

ASSESSED_BY = "Maya Alvarez"
"""The demo coordinator, who leads the quarterly review with two jurors and a parent."""

QUARTERS: tuple[dict[Element, tuple[int, str]], ...] = (
    {
        Element.ASSETS: (2, "Strengths are ticked at intake, but juries rarely build sentences on them."),
        Element.CAPABILITIES: (2, "Orientation for every new juror; no training for court roles yet."),
        Element.MUTUALITY: (2, "Credits are earned for jury nights; the rewards list is short."),
        Element.NETWORKS: (1, "Referrals come from two police departments and one school."),
        Element.BLURRING_ROLES: (2, "Most jurors are former respondents; staff still run the courtroom."),
        Element.CATALYSTS: (1, "The coordinator chairs every hearing."),
    },
    {
        Element.ASSETS: (3, "Juries reminded to build sentences on the strengths they hear."),
        Element.CAPABILITIES: (2, "Foreperson training planned with the public defender's office."),
        Element.MUTUALITY: (
            2,
            "Jurors proposed two new rewards: a driving-lesson voucher and a museum pass.",
        ),
        Element.NETWORKS: (2, "The library and the Boys & Girls Club now take community service."),
        Element.BLURRING_ROLES: (2, "Former respondents now help plan the jury nights."),
        Element.CATALYSTS: (2, "The coordinator steps back during questioning; the jurors lead it."),
    },
    {
        Element.ASSETS: (3, "Every intake records a strength; families notice it."),
        Element.CAPABILITIES: (3, "Six jurors trained as forepersons; two as clerks."),
        Element.MUTUALITY: (3, "Jurors sit on the rewards panel and set what credits buy."),
        Element.NETWORKS: (2, "A second school district started referring."),
        Element.BLURRING_ROLES: (3, "Former respondents are most of every jury."),
        Element.CATALYSTS: (2, "Staff coach jurors on questioning; the foreperson role comes next."),
    },
    {
        Element.ASSETS: (3, "Next: sentences that build on the strengths the jury finds."),
        Element.CAPABILITIES: (3, "First youth judge training held; two jurors in it."),
        Element.MUTUALITY: (3, "Credits redeemed every month; jurors run the reward night."),
        Element.NETWORKS: (3, "Jurors met the school resource officers at a joint forum."),
        Element.BLURRING_ROLES: (3, "Former respondents train the new jurors at orientation."),
        Element.CATALYSTS: (3, "Staff prepare jurors before the night instead of scripting them."),
    },
)
"""The four quarters' answers, oldest first."""


async def add_self_assessments(context: DemoContext) -> None:
    program_id = context.program.id
    for quarter, answers in zip(recent_quarters(today_in(context.program.timezone)), QUARTERS, strict=True):
        context.db.add(
            SelfAssessment(
                program_id=program_id,
                period=key_of(quarter),
                starts_on=quarter.start,
                ends_on=quarter.end,
                assessed_by=ASSESSED_BY,
                answers=[
                    Answer(program_id=program_id, element=element, score=score, comment=comment)
                    for element, (score, comment) in answers.items()
                ],
            )
        )
    await context.db.flush()
