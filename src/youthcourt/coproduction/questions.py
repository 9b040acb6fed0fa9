"""The six elements of co-production (New Economics Foundation) as questions, and the scale they are scored on."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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
        "Assets",
        "Does the program acknowledge and celebrate the assets of the young people it serves and of "
        "the community, rather than only their deficits?",
    ),
    Question(
        Element.CAPABILITIES,
        2,
        "Capabilities",
        "Does it build the skills of those involved?",
    ),
    Question(
        Element.MUTUALITY,
        3,
        "Mutuality",
        "Does it broker a true partnership and shared responsibility between staff and young people?",
    ),
    Question(
        Element.NETWORKS,
        4,
        "Networks",
        "Does it connect with people beyond the usual suspects, and give young people and staff forums "
        "to share expertise?",
    ),
    Question(
        Element.BLURRING_ROLES,
        5,
        "Blurring roles",
        "Are young people and staff both crucial to delivering the court?",
    ),
    Question(
        Element.CATALYSTS,
        6,
        "Catalysts",
        "Do staff act as coaches and facilitators rather than as deliverers?",
    ),
)


@dataclass(frozen=True)
class Level:
    score: int
    name: str
    descriptor: str

    @property
    def label(self) -> str:
        return f"{self.score} · {self.name}"


SCALE: tuple[Level, ...] = (
    Level(1, "Not yet", "Not part of how the court works today."),
    Level(2, "Starting", "Tried in places or by some people; not yet the usual way."),
    Level(3, "Developing", "The usual way in most of the court's work, with gaps the program knows of."),
    Level(4, "Embedded", "How the court works throughout, kept up without special effort."),
)
LEVELS = {level.score: level for level in SCALE}
SCORE_CHOICES = {str(level.score): level.label for level in SCALE}
