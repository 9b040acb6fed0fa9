"""The reference data a new program starts with; program admins adjust it to their practice."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.database import insert_missing
from youthcourt.reference.models import (
    CourtRole,
    Factor,
    FactorKind,
    Offense,
    OffenseClass,
    ProgramPolicy,
    ReferralSource,
    SanctionRule,
    SanctionType,
    SourceKind,
)

SOURCES = [
    ("Police Department", SourceKind.POLICE),
    ("School District", SourceKind.SCHOOL),
    ("Juvenile Probation", SourceKind.PROBATION),
    ("Family Court", SourceKind.COURT),
    ("Other", SourceKind.OTHER),
]

OFFENSES = [
    ("Petit larceny / shoplifting", "theft", OffenseClass.A),
    ("Trespass", "trespass", OffenseClass.A),
    ("Curfew violation", "status", OffenseClass.A),
    ("Disorderly conduct", "disorderly conduct", OffenseClass.B),
    ("Possession of alcohol by a minor", "alcohol", OffenseClass.B),
    ("Criminal mischief / vandalism", "vandalism", OffenseClass.B),
    ("Possession of marijuana", "drugs", OffenseClass.C),
    ("Harassment", "harassment", OffenseClass.C),
    ("Simple assault (no injury)", "assault", OffenseClass.D),
]

# Ranges seen in published grids; class A least serious.
GRID: dict[SanctionType, dict[OffenseClass, tuple[int, int]]] = {
    SanctionType.COMMUNITY_SERVICE: {
        OffenseClass.A: (8, 17),
        OffenseClass.B: (18, 26),
        OffenseClass.C: (27, 34),
        OffenseClass.D: (35, 50),
    },
    SanctionType.JURY_DUTY: {
        c: r for c, r in zip(OffenseClass, [(1, 4), (2, 6), (3, 8), (4, 12)], strict=True)
    },
    SanctionType.APOLOGY_LETTER: {c: (1, 1) for c in OffenseClass},
    SanctionType.ESSAY: {c: (250, 1000) for c in OffenseClass},
    SanctionType.RESTITUTION: {c: (0, 500) for c in OffenseClass},
    SanctionType.WORKSHOP: {c: (1, 6) for c in OffenseClass},
    SanctionType.COUNSELING: {c: (1, 8) for c in OffenseClass},
    SanctionType.TUTORING: {c: (1, 12) for c in OffenseClass},
    SanctionType.MENTORING: {c: (1, 12) for c in OffenseClass},
    SanctionType.CURFEW: {c: (7, 60) for c in OffenseClass},
    SanctionType.MEDIATION: {c: (1, 2) for c in OffenseClass},
}

CONTRIBUTING = [
    "Family conflict",
    "School problems",
    "Peer pressure",
    "Substance use",
    "Boredom / lack of activities",
    "Neighborhood",
    "Emotional health",
    "Anger",
    "Money",
]
STRENGTHS = [
    "Supportive family",
    "Engaged at school",
    "Sports or arts",
    "Job or volunteering",
    "Honest and remorseful",
    "Caring for siblings",
    "Faith community",
]

ROLE_RULES: dict[CourtRole, dict[str, object]] = {
    CourtRole.FOREPERSON: {"min_nights": 3},
    CourtRole.CLERK: {"training_hours": Decimal(4)},
    CourtRole.BAILIFF: {"training_hours": Decimal(4)},
    CourtRole.YOUTH_JUDGE: {
        "min_nights": 10,
        "training_hours": Decimal(8),
        "prior_role": CourtRole.FOREPERSON,
    },
}
"""The progression a program starts with: foreperson after three nights on a jury, clerk and
bailiff after their training, youth judge after ten nights, training and serving as foreperson.
Plain jurors need only the oath."""


POLICY = select(ProgramPolicy).where(ProgramPolicy.program_id == bindparam("program_id"))
"""A program's policy, read by most pages: built once per process (see ``dashboard.services``)."""


async def ensure_defaults(db: AsyncSession, program_id: UUID) -> ProgramPolicy:
    """Give a program its starting reference data once; later calls change nothing.

    A new program's first pages may be opened together (several tabs, a dashboard and its
    parts): the policy row is inserted with ``ON CONFLICT DO NOTHING``, and only the request
    whose row went in adds the rest. The others wait for it (PostgreSQL's unique index,
    SQLite's write lock) and read what it saved.
    """
    policy = await db.scalar(POLICY, {"program_id": program_id})
    if policy is not None:
        return policy
    if await insert_missing(db, ProgramPolicy, [{"program_id": program_id}], ["program_id"]):
        _add_starting_lists(db, program_id)
        await db.flush()
    return await db.scalar(POLICY, {"program_id": program_id})


def _add_starting_lists(db: AsyncSession, program_id: UUID) -> None:
    db.add_all(ReferralSource(program_id=program_id, name=name, kind=kind) for name, kind in SOURCES)
    db.add_all(
        Offense(program_id=program_id, name=name, category=category, offense_class=offense_class)
        for name, category, offense_class in OFFENSES
    )
    db.add_all(
        SanctionRule(
            program_id=program_id,
            offense_class=offense_class,
            sanction_type=kind,
            min_quantity=low,
            max_quantity=high,
        )
        for kind, ranges in GRID.items()
        for offense_class, (low, high) in ranges.items()
    )
    db.add_all(
        Factor(program_id=program_id, kind=FactorKind.CONTRIBUTING, name=name) for name in CONTRIBUTING
    )
    db.add_all(Factor(program_id=program_id, kind=FactorKind.STRENGTH, name=name) for name in STRENGTHS)
