"""The case list's query: filters, search and sort, in one query for the rows and one for the count.

The page is chosen from the case table alone, then its 25 rows are joined to the columns the list
shows (not case objects with their related records loaded after them): at a state's scale the
list costs what its 25 rows cost.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Date, Row, Select, bindparam, case, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

from youthcourt.cases.forms import CaseFilterForm
from youthcourt.cases.models import Case, CaseState
from youthcourt.reference.models import Offense, OffenseClass, ReferralSource
from youthcourt.referrals.models import Referral, Youth
from youthcourt.web.forms import Form, parse_uuid
from youthcourt.web.search import LIKE_ESCAPE, like_pattern

LIFECYCLE = case({state: position for position, state in enumerate(CaseState)}, value=Case.state)
"""A case's state as its place in the case's life (referred first, withdrawn last), for sorting."""

SORTS: dict[str, tuple[tuple[ColumnElement[Any], bool], ...]] = {
    "newest": ((Case.opened_on, True), (Case.number, True)),
    "oldest": ((Case.opened_on, False), (Case.number, False)),
    "number": ((Case.number, False),),
    "name": ((func.lower(Youth.last_name), False), (func.lower(Youth.first_name), False)),
    "state": ((LIFECYCLE, False), (Case.opened_on, True)),
}
"""Each sort's keys, each with whether it runs from the highest value down; the case's id breaks ties."""
FILTER_FIELDS = (
    "q",
    "state",
    "source",
    "offense_class",
    "coordinator",
    "opened_from",
    "opened_to",
    "origin",
    "sort",
)


@dataclass
class CaseFilters:
    form: Form

    @classmethod
    def read(cls, params: Mapping[str, Any]) -> CaseFilters:
        form = Form.from_data({key: params.get(key, "") for key in FILTER_FIELDS})
        return cls(CaseFilterForm.read(form).form)

    @property
    def searches(self) -> bool:
        """Whether the list is searched by name or number: a costly query, best run once a page."""
        return bool(self.form.values.get("q", "").strip())

    def query(self) -> tuple[Select[Any], dict[str, Any]]:
        """The matching cases' ids in the list's order, and the values of its parameters.

        ``youth_case`` alone, the other tables as ``IN``: joined, each table's program criteria
        made the planner expect one matching row, so it sorted all of a program's cases for every
        page. Alone, the case table's own indexes give the page in order; :func:`shown_rows` then
        joins the page's 25 rows to what the list shows. Built once per process for each set of
        filters in use (see ``dashboard.services``), a search too, its words a parameter.
        """
        values = self.form.values
        given: dict[str, Any] = {}
        if values.get("state") in CaseState._value2member_map_:
            given["state"] = CaseState(values["state"])
        if source := parse_uuid(values.get("source")):
            given["source"] = source
        if values.get("offense_class") in OffenseClass._value2member_map_:
            given["offense_class"] = OffenseClass(values["offense_class"])
        if coordinator := parse_uuid(values.get("coordinator")):
            given["coordinator"] = coordinator
        if not self.form.errors:
            if start := _date(values.get("opened_from")):
                given["opened_from"] = start
            if end := _date(values.get("opened_to")):
                given["opened_to"] = end
        shape = _Shape(
            frozenset(given),
            open_only=values.get("state") == "open",
            origin=values.get("origin", "") if values.get("origin") in ("imported", "entered") else "",
            sort=values.get("sort", "") if values.get("sort") in SORTS else "newest",
        )
        text = values.get("q", "").strip()
        if not text:
            return _plain_listing(shape), given
        return _searched_listing(shape), {**given, SEARCH_PATTERN.key: _search_pattern(text)}


@dataclass(frozen=True)
class _Shape:
    """Which filters a list uses, whatever their values: the form of its statement."""

    given: frozenset[str]
    open_only: bool
    origin: str
    sort: str


def _listing(shape: _Shape) -> Select[Any]:
    keys = [key.desc() if descending else key.asc() for key, descending in SORTS[shape.sort]]
    return _filtered(select(Case.id), shape).order_by(*keys, Case.id)


SEARCH_PATTERN = bindparam("search_pattern")
"""The ``LIKE`` pattern of a searched list's words (see :func:`_search_pattern`)."""


def _searched(shape: _Shape) -> Select[Any]:
    """The cases whose youth's name or whose number holds the words searched (:data:`SEARCH_PATTERN`),
    as the union of the two.

    Each side reads its cases with the keys they are sorted by (the youth's cases from the index
    on ``youth_id``, which holds their dates and numbers on PostgreSQL); as one list of ids whose
    cases were then looked up, each of a common fragment's hundreds of matches ("mar": 800 on a
    statewide program) was read from the table by its key, half of the search's time.
    """
    keys = [key.label(f"key_{place}") for place, (key, _) in enumerate(SORTS[shape.sort])]
    named = _filtered(select(Case.id, *keys), shape).where(Case.youth_id.in_(_youth_named(SEARCH_PATTERN)))
    numbered = _filtered(select(Case.id, *keys), shape).where(_numbered(SEARCH_PATTERN))
    found = union(named, numbered).subquery()
    order = [
        found.c[key.name].desc() if descending else found.c[key.name].asc()
        for key, (_, descending) in zip(keys, SORTS[shape.sort], strict=True)
    ]
    return select(found.c.id).order_by(*order, found.c.id)


def _filtered(query: Select[Any], shape: _Shape) -> Select[Any]:
    """``query`` of unsealed cases, narrowed by the list's filters (their values are parameters)."""
    query = query.where(Case.sealed_at.is_(None))  # sealed cases: /sealed-cases only
    if "state" in shape.given:
        query = query.where(Case.state == bindparam("state"))
    elif shape.open_only:
        query = query.where(Case.closed_on.is_(None))
    if "source" in shape.given:
        by_source = select(Referral.id).where(Referral.source_id == bindparam("source"))
        query = query.where(Case.referral_id.in_(by_source))
    if "offense_class" in shape.given:
        offenses = select(Offense.id).where(Offense.offense_class == bindparam("offense_class"))
        query = query.where(
            Case.referral_id.in_(select(Referral.id).where(Referral.offense_id.in_(offenses)))
        )
    if shape.origin == "imported":
        query = query.where(Case.import_id.is_not(None))
    elif shape.origin == "entered":
        query = query.where(Case.import_id.is_(None))
    if "coordinator" in shape.given:
        query = query.where(Case.coordinator_id == bindparam("coordinator"))
    if "opened_from" in shape.given:
        query = query.where(Case.opened_on >= bindparam("opened_from", type_=Date))
    if "opened_to" in shape.given:
        query = query.where(Case.opened_on <= bindparam("opened_to", type_=Date))
    if shape.sort == "name":
        query = query.join(Case.youth)
    return query


_plain_listing = functools.lru_cache(maxsize=512)(_listing)
"""A list not searched by words, built once for each set of filters."""
_searched_listing = functools.lru_cache(maxsize=512)(_searched)
"""A list searched by words, built once for each set of filters."""


def _search_pattern(text: str) -> str:
    """The ``LIKE`` pattern of a search's words: their first 100 characters, anywhere."""
    return like_pattern(text.strip()[:100])


def _youth_named(pattern: str | BindParameter[Any]) -> Select[Any]:
    return select(Youth.id).where(func.lower(Youth.full_name).like(pattern, escape=LIKE_ESCAPE))


def _numbered(pattern: str | BindParameter[Any]) -> ColumnElement[bool]:
    return func.lower(Case.number).like(pattern, escape=LIKE_ESCAPE)


def named_or_numbered(text: str) -> ColumnElement[bool]:
    """The cases whose youth's name or whose number holds ``text`` (its first 100 characters), any case.

    Two lookups, each answered by its own index on PostgreSQL (the trigram indexes); as one OR,
    every case of the program was read to test it. (The case list reads the two sides' rows
    rather than their ids, see :func:`_searched`.)
    """
    pattern = _search_pattern(text)
    named = select(Case.id).where(Case.youth_id.in_(_youth_named(pattern)))
    numbered = select(Case.id).where(_numbered(pattern))
    return Case.id.in_(union(named, numbered))


SHOWN_ROWS = (
    select(
        Case.id,
        Case.number,
        Case.state,
        Case.opened_on,
        Case.coordinator_id,
        Case.import_id,
        Youth.first_name,
        Youth.last_name,
        Offense.name.label("offense"),
        Offense.offense_class,
        ReferralSource.name.label("source"),
    )
    .join(Case.youth)
    .join(Case.referral)
    .join(Referral.offense)
    .join(Referral.source)
    .where(Case.id.in_(bindparam("ids", expanding=True)))
)


async def shown_rows(db: AsyncSession, ids: list[UUID]) -> list[Row[Any]]:
    """What the list shows of the cases ``ids``, in that order (one query for the page)."""
    if not ids:
        return []
    rows = await db.execute(SHOWN_ROWS, {"ids": ids})
    by_id = {row.id: row for row in rows.all()}
    return [by_id[case_id] for case_id in ids if case_id in by_id]


def _date(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
