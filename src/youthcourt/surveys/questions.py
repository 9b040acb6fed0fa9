"""The questions each survey starts with, before a program edits them.

The statements are the procedural-justice items used in youth court evaluations (voice, being
listened to, respect, fairness, understanding), then what helped, answered on a five-point agree
scale; each survey ends with one free-text question.
"""

from __future__ import annotations

from youthcourt.surveys.models import SurveyKind

DEFAULT_QUESTIONS: dict[SurveyKind, tuple[list[str], str]] = {
    SurveyKind.RESPONDENT: (
        [
            "I had a chance to tell my side.",
            "The jury listened to me.",
            "I was treated with respect.",
            "The decision was fair.",
            "I understood what happened in court.",
            "Talking with the jury helped me think about what happened.",
            "My sanctions help me make things right.",
        ],
        "What would you change about youth court?",
    ),
    SurveyKind.GUARDIAN: (
        [
            "My child had a chance to tell their side.",
            "The jury listened to my child.",
            "My child and I were treated with respect.",
            "The decision was fair.",
            "I understood what happened in court.",
            "Youth court helped my child.",
        ],
        "What would you change about youth court?",
    ),
    SurveyKind.JUROR: (
        [
            "Every juror had a chance to speak in deliberation.",
            "The respondents were treated with respect.",
            "The decisions we made were fair.",
            "I understood my role tonight.",
            "My training prepared me for tonight.",
        ],
        "What would make jury nights better?",
    ),
}

AGREEING = (4, 5)
"""Answers counted as agreeing: agree and strongly agree."""
