"""The one pagination helper: every list page shows pages of ``PAGE_SIZE`` rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from litestar.params import QueryParameter
from sqlalchemy import Select, func, select
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


async def paginate(db: AsyncSession, query: Select[Any], number: int, size: int = PAGE_SIZE) -> Page[Any]:
    """Run ``query`` for one page: two queries whatever the page holds (the rows and the count).

    The count stops :data:`COUNT_AHEAD` rows past the page's first row, so its cost follows the
    page asked for, not the size of the list.
    """
    limit = (number - 1) * size + COUNT_AHEAD
    counted = query.order_by(None).limit(limit + 1).subquery()
    total = await db.scalar(select(func.count()).select_from(counted)) or 0
    exact = total <= limit
    total = min(total, limit)
    count = max(1, -(-total // size))
    number = min(number, count)
    rows = (await db.execute(query.limit(size).offset((number - 1) * size))).all()
    items = [row[0] if len(row) == 1 else row for row in rows]
    return Page(items=items, number=number, size=size, total=total, exact=exact)


def paginate_list(items: list[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """One page of a list already in memory (the problems an import's preview found)."""
    total = len(items)
    number = min(max(1, number), max(1, -(-total // size)))
    return Page(items=items[(number - 1) * size : number * size], number=number, size=size, total=total)
