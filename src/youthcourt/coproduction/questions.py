"""The six elements of co-production (New Economics Foundation) as questions, and the scale they are scored on.

Titles, questions and the scale's words are in English here (marked for the catalog); pages show
them in the reader's language with ``_()``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from youthcourt.web.i18n import N_, _


class Element(enum.StrEnum):
    ASSETS = "assets"
    CAPABILITIES = "capabilities"
    MUTUALITY = "mutuality"
    NETWORKS = "networks"
    BLURRING_ROLES = "blurring_roles"
    CATALYSTS = "catalysts"


@dataclass(frozen=True)
class Question:
    element: Element
    number: int
    title: str
    text: str


QUESTIONS: tuple[Question, ...] = (
    Question(
        Element.ASSETS,
        1,
        N_("Assets"),
        N_(
            "Does the program acknowledge and celebrate the assets of the young people it serves and "
            "of the community, rather than only their deficits?"
        ),
    ),
    Question(
        Element.CAPABILITIES,
        2,
        N_("Capabilities"),
        N_("Does it build the skills of those involved?"),
    ),
    Question(
        Element.MUTUALITY,
        3,
        N_("Mutuality"),
        N_("Does it broker a true partnership and shared responsibility between staff and young people?"),
    ),
    Question(
        Element.NETWORKS,
        4,
        N_("Networks"),
        N_(
            "Does it connect with people beyond the usual suspects, and give young people and staff "
            "forums to share expertise?"
        ),
    ),
    Question(
        Element.BLURRING_ROLES,
        5,
        N_("Blurring roles"),
        N_("Are young people and staff both crucial to delivering the court?"),
    ),
    Question(
        Element.CATALYSTS,
        6,
        N_("Catalysts"),
        N_("Do staff act as coaches and facilitators rather than as deliverers?"),
    ),
)


@dataclass(frozen=True)
class Level:
    score: int
    name: str
    descriptor: str

    @property
    def label(self) -> str:
        """The score and its name in the reader's language: ``3 · Developing``."""
        return f"{self.score} · {_(self.name)}"


SCALE: tuple[Level, ...] = (
    Level(1, N_("Not yet"), N_("Not part of how the court works today.")),
    Level(2, N_("Starting"), N_("Tried in places or by some people; not yet the usual way.")),
    Level(
        3, N_("Developing"), N_("The usual way in most of the court's work, with gaps the program knows of.")
    ),
    Level(4, N_("Embedded"), N_("How the court works throughout, kept up without special effort.")),
)
LEVELS = {level.score: level for level in SCALE}
SCORE_CHOICES = {str(level.score): level for level in SCALE}
"""The scores the form takes; each level is shown with its ``label``."""
