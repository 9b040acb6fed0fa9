"""Rows for a bulk load, each column filled as the models fill it, and the two ways to write them.

A generator adds rows with :meth:`Rows.add` (the model and its values, as for the model's own
constructor); columns left out take the model's default, and a column whose default is computed
(an id, a timestamp) must be given unless :meth:`Rows.add` makes it. Rows are kept as tuples in the
table's column order, which is what PostgreSQL's binary COPY takes (through asyncpg's
``copy_records_to_table``); SQLite gets them through SQLAlchemy's executemany.
"""

from __future__ import annotations

import datetime
import json
import random
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from youthcourt.database import metadata

MISSING = object()
"""A column's value the caller must give: no default, or one computed per row."""
STAMPS = ("created_at", "updated_at")
SQLITE_BATCH = 5000


@dataclass(frozen=True)
class Shape:
    """A table's columns in order, and what each takes when a row leaves it out."""

    table: Table
    names: tuple[str, ...]
    defaults: tuple[Any, ...]
    required: frozenset[str]
    """Columns a row must give (no default, or one computed per row), besides those :meth:`Rows.add` makes."""
    stamped: bool
    json_columns: tuple[int, ...]

    @classmethod
    def of(cls, table: Table) -> Shape:
        names, defaults = [], []
        columns = [column for column in table.columns if not column._insert_sentinel]  # not in the schema
        for column in columns:
            names.append(column.name)
            default = column.default
            if default is not None and default.is_scalar:
                defaults.append(default.arg)
            elif default is None and column.nullable:
                defaults.append(None)
            else:
                defaults.append(MISSING)
        json_columns = tuple(i for i, column in enumerate(columns) if isinstance(column.type, JSON))
        stamped = all(stamp in names for stamp in STAMPS)
        made = {"id", *(STAMPS if stamped else ())}
        required = frozenset(n for n, d in zip(names, defaults, strict=True) if d is MISSING) - made
        return cls(table, tuple(names), tuple(defaults), required, stamped, json_columns)


class Ids:
    """Random-looking version 4 UUIDs drawn from a seeded generator: the same data on every machine."""

    KEEP = ~(0xF000 << 64) & ~(0xC000 << 48)
    VERSION_4 = (0x4000 << 64) | (0x8000 << 48)
    """The version and variant bits of a random UUID (what ``uuid.UUID(version=4)`` sets, done once here)."""

    def __init__(self, rng: random.Random) -> None:
        self._bits = rng.getrandbits

    def __call__(self) -> uuid.UUID:
        return uuid.UUID(int=self._bits(128) & self.KEEP | self.VERSION_4)


@dataclass
class Rows:
    """The rows of one part of a load, per table, in the tables' column order."""

    ids: Ids
    stamp: datetime.datetime
    """Now, for the load: ``created_at`` and ``updated_at`` of rows added without ``at``, and the latest any row may be."""
    tables: dict[Table, list[tuple[Any, ...]]] = field(default_factory=dict)
    _shapes: dict[Any, tuple[Shape, list[tuple[Any, ...]]]] = field(default_factory=dict)
    """Each model's shape and the list its rows go to (looked up once per row: the hot path)."""

    def add(self, model: Any, at: datetime.datetime | None = None, **values: Any) -> uuid.UUID:
        """Add one row of ``model``'s table; returns its id. ``at`` is when it was made."""
        known = self._shapes.get(model)
        if known is None:
            known = self._shapes[model] = self._shape(model, values)
        shape, items = known
        if not values.keys() >= shape.required:
            raise TypeError(f"{shape.table.name}: give {', '.join(sorted(shape.required - values.keys()))}")
        if "id" not in values:
            values["id"] = self.ids()
        if shape.stamped:
            values["created_at"] = values["updated_at"] = at if at and at < self.stamp else self.stamp
        items.append(tuple(map(values.get, shape.names, shape.defaults)))
        return values["id"]

    def _shape(self, model: Any, values: dict[str, Any]) -> tuple[Shape, list[tuple[Any, ...]]]:
        shape = Shape.of(model.__table__)
        unknown = set(values) - set(shape.names)
        if unknown:
            raise TypeError(f"{shape.table.name} has no column {', '.join(sorted(unknown))}")
        items = self.tables.setdefault(shape.table, [])
        return shape, items

    def count(self, model: Any) -> int:
        return len(self.tables.get(model.__table__, ()))

    def in_order(self) -> Iterator[tuple[Shape, list[tuple[Any, ...]]]]:
        """Each table's rows, parents before the tables whose foreign keys point at them."""
        shapes = {shape.table: shape for shape, _items in self._shapes.values()}
        for table in metadata.sorted_tables:
            if self.tables.get(table):
                yield shapes[table], self.tables[table]


@dataclass
class Written:
    """How many rows went into each table, and how long that took."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, table: str, rows: int, seconds: float) -> None:
        self.rows[table] = self.rows.get(table, 0) + rows
        self.seconds[table] = self.seconds.get(table, 0.0) + seconds

    def merge(self, other: Written) -> None:
        for table, rows in other.rows.items():
            self.add(table, rows, other.seconds[table])

    @property
    def total(self) -> int:
        return sum(self.rows.values())


async def copy(driver: Any, rows: Rows, written: Written) -> None:
    """COPY ``rows`` on an asyncpg connection, in whatever transaction it has open (PostgreSQL)."""
    for shape, items in rows.in_order():
        started = time.perf_counter()
        records = _json_as_text(items, shape.json_columns) if shape.json_columns else items
        await driver.copy_records_to_table(shape.table.name, records=records, columns=shape.names)
        written.add(shape.table.name, len(items), time.perf_counter() - started)


async def insert(connection: AsyncConnection, rows: Rows, written: Written) -> None:
    """Insert ``rows`` in the connection's transaction, a batch per executemany (SQLite)."""
    for shape, items in rows.in_order():
        started = time.perf_counter()
        for start in range(0, len(items), SQLITE_BATCH):
            batch = [dict(zip(shape.names, row, strict=True)) for row in items[start : start + SQLITE_BATCH]]
            await connection.execute(shape.table.insert(), batch)
        written.add(shape.table.name, len(items), time.perf_counter() - started)


def _json_as_text(items: list[tuple[Any, ...]], columns: tuple[int, ...]) -> Iterator[tuple[Any, ...]]:
    """asyncpg sends JSONB as text: the dicts the models hold, serialised."""
    for row in items:
        values = list(row)
        for index in columns:
            values[index] = json.dumps(values[index])
        yield tuple(values)


async def may_skip_checks(driver: Any) -> bool:
    """Whether the role may skip foreign-key checks and triggers (a superuser may)."""
    return bool(await driver.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))


async def skip_checks(driver: Any) -> None:
    """Skip PostgreSQL's foreign-key checks and triggers for the open transaction.

    A COPY checks each row's references one by one, which triples its time. Skipped, they are
    checked all at once before the load commits (:func:`verify_references`); the setting ends
    with the transaction. The credit ledger's balance trigger is skipped too: the load writes
    the balances.
    """
    await driver.execute("SET LOCAL session_replication_role = replica")


async def verify_references(driver: Any, tables: Iterable[str]) -> None:
    """Every foreign key of ``tables`` names a row that exists: one scan of each table, joined to its parents."""
    wanted = set(tables)
    for table in metadata.sorted_tables:
        keys = [(key.columns[0].name, key.elements[0].column) for key in table.foreign_key_constraints]
        if table.name not in wanted or not keys:
            continue
        joins = " ".join(
            f'LEFT JOIN "{parent.table.name}" p{n} ON p{n}."{parent.name}" = c."{column}"'
            for n, (column, parent) in enumerate(keys)
        )
        missing = " OR ".join(
            f'(c."{column}" IS NOT NULL AND p{n}."{parent.name}" IS NULL)'
            for n, (column, parent) in enumerate(keys)
        )
        statement = f'SELECT count(*) FROM "{table.name}" c {joins} WHERE {missing}'  # noqa: S608 - names from the models
        orphans = await driver.fetchval(statement)
        if orphans:
            raise RuntimeError(f"{orphans} rows of {table.name} name a row that does not exist")
