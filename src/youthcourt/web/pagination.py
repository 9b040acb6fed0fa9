"""The one pagination helper: every list page shows pages of ``PAGE_SIZE`` rows."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from litestar.params import QueryParameter
from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
PAGE_SIZE = 25
COUNT_AHEAD = 1000
"""Rows counted past the start of the page shown. A list is never counted to its end: at a
state's scale that is every case of a program on every view. Past this, the pager says "more than"."""

PageNumber = Annotated[str, QueryParameter(name="page", required=False)]
"""Type of a list handler's page parameter: ``?page=N``, read leniently by :func:`page_number`."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    size: int
    total: int
    exact: bool = True
    """False when the list holds more rows than were counted: ``total`` is then a lower bound."""

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def shown_total(self) -> str:
        """The count as the pager says it: "1,234", or "more than 1,025" when counting stopped."""
        return f"{self.total:,}" if self.exact else f"more than {self.total:,}"

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    @property
    def first_row(self) -> int:
        return 0 if self.total == 0 else (self.number - 1) * self.size + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.number * self.size)


def page_number(raw: Any) -> int:
    try:
        return max(1, min(int(raw), 100_000))
    except (TypeError, ValueError):
        return 1


_COUNT_LIMIT = bindparam("page_count_limit", type_=Integer)
_SIZE = bindparam("page_size", type_=Integer)
_OFFSET = bindparam("page_offset", type_=Integer)
_DERIVED: weakref.WeakKeyDictionary[Select[Any], tuple[Select[Any], Select[Any]]] = (
    weakref.WeakKeyDictionary()
)
_NUMBERED: weakref.WeakKeyDictionary[Select[Any], Select[Any]] = weakref.WeakKeyDictionary()


def _count_and_rows(query: Select[Any]) -> tuple[Select[Any], Select[Any]]:
    """The statements counting ``query`` and reading a page of it, made once for each query object:
    a list's statement built once per process is then counted and paged by statements built once
    too (see ``dashboard.services``); the limits and the offset are parameters."""
    derived = _DERIVED.get(query)
    if derived is None:
        counted = query.order_by(None).limit(_COUNT_LIMIT).subquery()
        derived = (select(func.count()).select_from(counted), query.limit(_SIZE).offset(_OFFSET))
        _DERIVED[query] = derived
    return derived


async def paginate(
    db: AsyncSession,
    query: Select[Any],
    number: int,
    size: int = PAGE_SIZE,
    *,
    run_once: bool = False,
    params: dict[str, Any] | None = None,
) -> Page[Any]:
    """Run ``query`` for one page: two queries whatever the page holds (the rows and the count).

    The count stops :data:`COUNT_AHEAD` rows past the page's first row, so its cost follows the
    page asked for, not the size of the list. With ``run_once``, for a query of one column whose
    every run is costly (a search by name), the page and the count come from one run of it
    (:func:`_page_and_count`); for a plain list, counting its first rows as they lie in an index
    costs less than numbering them in order, as that does. ``params`` are the values of the
    query's own parameters, for a query built once per process.
    """
    limit = (number - 1) * size + COUNT_AHEAD
    if run_once:
        found = await _page_and_count(db, query, number, size, limit, params or {})
        if found is not None:
            return found
    counting, reading = _count_and_rows(query)
    values = params or {}
    total = await db.scalar(counting, {**values, "page_count_limit": limit + 1}) or 0
    exact = total <= limit
    total = min(total, limit)
    count = max(1, -(-total // size))
    number = min(number, count)
    rows = (
        await db.execute(reading, {**values, "page_size": size, "page_offset": (number - 1) * size})
    ).all()
    items = [row[0] if len(row) == 1 else row for row in rows]
    return Page(items=items, number=number, size=size, total=total, exact=exact)


async def _page_and_count(
    db: AsyncSession, query: Select[Any], number: int, size: int, limit: int, params: dict[str, Any]
) -> Page[Any] | None:
    """The page's values and the capped count in one statement: the first ``limit + 1`` rows are
    numbered in the list's order and counted (``count(*) OVER ()``), and the page is taken from them.
    A search or filter runs once rather than once for the count and again for the page.

    None past the last page: the caller then counts, and shows the last page.
    """
    values = {**params, "page_count_limit": limit + 1, "page_size": size, "page_offset": (number - 1) * size}
    rows = (await db.execute(_numbered_page(query), values)).all()
    if not rows and number > 1:
        return None
    total = rows[0][1] if rows else 0
    return Page(
        items=[row[0] for row in rows],
        number=number,
        size=size,
        total=min(total, limit),
        exact=total <= limit,
    )


def _numbered_page(query: Select[Any]) -> Select[Any]:
    """The statement of :func:`_page_and_count` for ``query``, made once for each query object (as
    :func:`_count_and_rows` makes its own), its limits and offset parameters."""
    numbered_page = _NUMBERED.get(query)
    if numbered_page is None:
        if len(query.selected_columns) != 1 or query._distinct or query._limit_clause is not None:
            raise ValueError("only a query of one column, without DISTINCT or LIMIT, is paged in one run")
        position = func.row_number().over(order_by=query._order_by_clauses).label("position")
        numbered = query.add_columns(position).limit(_COUNT_LIMIT).subquery()
        value, place = numbered.c
        numbered_page = select(value, func.count().over()).order_by(place).limit(_SIZE).offset(_OFFSET)
        _NUMBERED[query] = numbered_page
    return numbered_page


def paginate_list(items: list[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """One page of a list already in memory (the problems an import's preview found)."""
    total = len(items)
    number = min(max(1, number), max(1, -(-total // size)))
    return Page(items=items[(number - 1) * size : number * size], number=number, size=size, total=total)
