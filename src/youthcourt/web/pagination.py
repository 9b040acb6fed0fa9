"""The one pagination helper: every list page shows pages of ``PAGE_SIZE`` rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from litestar.params import QueryParameter
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
PAGE_SIZE = 25

PageNumber = Annotated[str, QueryParameter(name="page", required=False)]
"""Type of a list handler's page parameter: ``?page=N``, read leniently by :func:`page_number`."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

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
    """Run ``query`` for one page: two queries whatever the page holds (the rows and the count)."""
    total = await db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    count = max(1, -(-total // size))
    number = min(number, count)
    rows = (await db.execute(query.limit(size).offset((number - 1) * size))).all()
    items = [row[0] if len(row) == 1 else row for row in rows]
    return Page(items=items, number=number, size=size, total=total)
