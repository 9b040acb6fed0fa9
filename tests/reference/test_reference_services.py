"""Saving the sanction grid without HTTP: the rules written, removed and audited, in one program only."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import make_program, make_user
from tests.reference.test_reference import changes, rows, rule
from tests.service_actors import actor_for
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import OffenseClass, SanctionRule, SanctionType
from youthcourt.reference.services import save_grid


async def grid_of(db, program: Program) -> dict:
    """The program's grid as the form reads it: every cell, None where the sanction is not allowed."""
    saved = {
        (r.sanction_type, r.offense_class): (r.min_quantity, r.max_quantity)
        for r in await rows(db, select(SanctionRule).where(SanctionRule.program_id == program.id))
    }
    return {(kind, cls): saved.get((kind, cls)) for kind in SanctionType for cls in OffenseClass}


async def test_saving_the_grid_changes_only_the_changed_cells_of_the_program_and_audits_them(db):
    program, other = await make_program(db), await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    for each in (program, other):
        await ensure_defaults(db, each.id)
    await db.commit()
    grid = await grid_of(db, program)
    grid[(SanctionType.COMMUNITY_SERVICE, OffenseClass.A)] = (10, 20)
    grid[(SanctionType.CURFEW, OffenseClass.D)] = None
    actor = actor_for(admin, program, Role.PROGRAM_ADMIN)

    with program_scope(ProgramScope.of(program.id)):
        changed = await save_grid(db, actor, grid)
        await db.commit()

    assert changed == 2
    community = await rule(db, program, SanctionType.COMMUNITY_SERVICE, "A")
    assert (community.min_quantity, community.max_quantity) == (10, 20)
    assert await rule(db, program, SanctionType.CURFEW, "D") is None
    assert await rule(db, other, SanctionType.CURFEW, "D") is not None, "another program's grid is its own"
    untouched = await rule(db, other, SanctionType.COMMUNITY_SERVICE, "A")
    assert (untouched.min_quantity, untouched.max_quantity) == (8, 17)
    [entry] = await changes(db, "sanction_grid")
    assert (entry.program_id, entry.record_id, entry.actor_id) == (program.id, str(program.id), admin.id)
    assert entry.ip_address == "192.0.2.7"
    assert entry.details == {
        "change": "edit",
        "community_service A": "8-17 -> 10-20",
        "curfew D": "7-60 -> not allowed",
    }


async def test_a_cell_allowed_again_gets_a_new_rule_and_an_unchanged_grid_writes_nothing(db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    await ensure_defaults(db, program.id)
    await db.commit()
    actor = actor_for(admin, program, Role.PROGRAM_ADMIN)
    grid = await grid_of(db, program)

    with program_scope(ProgramScope.of(program.id)):
        assert await save_grid(db, actor, grid) == 0
        grid[(SanctionType.CURFEW, OffenseClass.D)] = None
        assert await save_grid(db, actor, grid) == 1
        await db.commit()
        grid[(SanctionType.CURFEW, OffenseClass.D)] = (0, 14)
        assert await save_grid(db, actor, grid) == 1
        await db.commit()

    curfew = await rule(db, program, SanctionType.CURFEW, "D")
    assert (curfew.program_id, curfew.min_quantity, curfew.max_quantity) == (program.id, 0, 14)
    assert [entry.details for entry in await changes(db, "sanction_grid")] == [
        {"change": "edit", "curfew D": "7-60 -> not allowed"},
        {"change": "edit", "curfew D": "not allowed -> 0-14"},
    ]
