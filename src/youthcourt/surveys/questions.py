"""The questions each survey starts with, before a program edits them.

The statements are the procedural-justice items used in youth court evaluations (voice, being
listened to, respect, fairness, understanding), then what helped, answered on a five-point agree
scale; each survey ends with one free-text question.

They are stored in English as a program's first version; pages show this wording translated
(``_(statement)``), and a statement the program wrote itself as it was written.
"""

from __future__ import annotations

from youthcourt.surveys.models import SurveyKind
from youthcourt.web.i18n import N_

DEFAULT_QUESTIONS: dict[SurveyKind, tuple[list[str], str]] = {
    SurveyKind.RESPONDENT: (
        [
            N_("I had a chance to tell my side."),
            N_("The jury listened to me."),
            N_("I was treated with respect."),
            N_("The decision was fair."),
            N_("I understood what happened in court."),
            N_("Talking with the jury helped me think about what happened."),
            N_("My sanctions help me make things right."),
        ],
        N_("What would you change about youth court?"),
    ),
    SurveyKind.GUARDIAN: (
        [
            N_("My child had a chance to tell their side."),
            N_("The jury listened to my child."),
            N_("My child and I were treated with respect."),
            N_("The decision was fair."),
            N_("I understood what happened in court."),
            N_("Youth court helped my child."),
        ],
        N_("What would you change about youth court?"),
    ),
    SurveyKind.JUROR: (
        [
            N_("Every juror had a chance to speak in deliberation."),
            N_("The respondents were treated with respect."),
            N_("The decisions we made were fair."),
            N_("I understood my role tonight."),
            N_("My training prepared me for tonight."),
        ],
        N_("What would make jury nights better?"),
    ),
}

AGREEING = (4, 5)
"""Answers counted as agreeing: agree and strongly agree."""
