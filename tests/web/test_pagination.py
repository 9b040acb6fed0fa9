"""The one pagination helper's one-run page: only for a query it can number and count as it is."""

from __future__ import annotations

import gc
import weakref

import pytest
from sqlalchemy import bindparam, select

from tests.factories import make_program
from youthcourt.programs.models import Program
from youthcourt.web.pagination import _count_and_rows, paginate


async def test_a_page_in_one_run_is_refused_for_whole_records_and_distinct_queries(db):
    await make_program(db)
    for query in (select(Program), select(Program.name).distinct(), select(Program.id).limit(3)):
        with pytest.raises(ValueError, match="one column"):
            await paginate(db, query.order_by(Program.name), 1, run_once=True)


async def test_a_page_in_one_run_matches_the_page_counted_apart(db):
    for _ in range(7):
        await make_program(db)
    query = select(Program.id).order_by(Program.name, Program.id)
    for number in (1, 2, 3, 9):
        apart = await paginate(db, query, number, size=3)
        once = await paginate(db, query, number, size=3, run_once=True)
        assert (once.items, once.number, once.total, once.exact) == (
            apart.items,
            apart.number,
            apart.total,
            apart.exact,
        )
    assert apart.number == 3 and len(apart.items) >= 1


async def test_a_query_built_once_is_paged_with_its_own_parameters(db):
    """A list's statement built once per process takes its values as parameters, and each page of
    it, and its count, with the values of that view."""
    for name in ("Ash", "Birch", "Cedar", "Dogwood", "Elm"):
        await make_program(db, name=name)
    after = select(Program.name).where(Program.name > bindparam("after")).order_by(Program.name)
    first = await paginate(db, after, 1, size=2, params={"after": "Birch"})
    last = await paginate(db, after, 2, size=2, params={"after": "Birch"})
    fewer = await paginate(db, after, 1, size=2, params={"after": "Dogwood"})
    assert (first.items, first.total) == (["Cedar", "Dogwood"], 3)
    assert (last.items, last.number) == (["Elm"], 2)
    assert (fewer.items, fewer.total) == (["Elm"], 1)


def test_a_list_statement_built_for_one_request_is_let_go_with_it():
    """The pager keeps its count and page statements for each list statement weakly."""
    query = select(Program.name).where(Program.name > "B").order_by(Program.name)
    counting, reading = _count_and_rows(query)
    again = _count_and_rows(query)
    assert again[0] is counting and again[1] is reading
    del again
    gone = weakref.ref(query)
    del query, counting, reading
    gc.collect()
    assert gone() is None
