"""A new program's lists, still empty, say so: not that nothing matches filters nobody set."""

from __future__ import annotations

from tests.factories import make_program, make_user, sign_in
from youthcourt.programs.models import Role


async def test_a_new_programs_empty_lists_say_there_is_nothing_yet(client, db):
    program = await make_program(db)
    await sign_in(client, await make_user(db, program, Role.COORDINATOR))

    cases = await client.get("/cases")
    sites = await client.get("/sites")

    assert "No cases yet" in cases.text and "match these filters" not in cases.text
    assert "No active partner sites" in sites.text and "match these filters" not in sites.text
    filtered = await client.get("/cases?state=completed")
    assert "No cases match these filters." in filtered.text
    inactive = await client.get("/sites?status=inactive")
    assert "No partner sites match these filters." in inactive.text
