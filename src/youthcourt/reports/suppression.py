"""Small-cell suppression for published tables.

A count of one to nine youth in a cell can identify them, so such counts are hidden
(primary suppression) and shown as "<10". Hiding them is not enough when the table also
prints totals: a hidden cell that is the only unknown of a row can be worked back out by
subtraction, and so, through longer chains of rows and columns, can others. So more cells
are hidden (secondary, or complementary, suppression) until no hidden cell can be worked
out from the shown ones. Those are shown as a dash, not "<10", because they may hold large
counts.

Working out means more than solving the equations: a reader also knows that a "<10" cell
holds 1 to 9 and that no count is negative. A shown 13 completed of 15 closed next to two
"<10" cells leaves them 2 together, so each is 1. So the smallest and largest count a
hidden cell could hold given all of that must differ, which is checked exactly by linear
programming over fractions.

Published counts are also rounded to the nearest multiple of :data:`PUBLISHED_BASE`. The same
count is always rounded the same way, so no page, note or download gives a sharper value of it
than another; and a difference of two tables over overlapping cohorts, or a total minus its
shown parts taken from another page, is then uncertain by several youth. A reader of a rounded
table knows each shown count only to within its rounding, and the check above takes that into
account: fewer cells need hiding as complements, since rounding already blurs what subtraction
would give.

A table is a mapping of named cells to counts plus the additive relations between them
(``total == sum(parts)``); :func:`grid_relations` builds the usual rows-by-columns table with
row, column and grand totals.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

from youthcourt.web.i18n import gettext

SECONDARY_MARK = "\N{EM DASH}"
PUBLISHED_BASE = 5
"""Counts that leave the system for publication are rounded to a multiple of this."""


def rounded(count: int, base: int) -> int:
    """``count`` to the nearest multiple of ``base`` (halves up): 12 gives 10 and 13 gives 15 in fives."""
    return base * ((count + base // 2) // base)


def published_count(count: int, threshold: int, base: int) -> str:
    """A count outside a table (in a note, say) as it may be published: hidden below the threshold,
    else rounded like the table's counts."""
    if 0 < count < threshold:
        return gettext("fewer than %(count)s", count=threshold)
    if base == 1 or count == 0:
        return f"{count:,}"
    shown = rounded(count, base)
    if shown:
        return gettext("about %(count)s", count=f"{shown:,}")
    return gettext("fewer than %(count)s", count=base - base // 2)


def rounding_range(shown: int, base: int, threshold: int) -> tuple[int, int]:
    """The counts a reader knows a shown, rounded count may be: within the rounding, and never
    from 1 to ``threshold - 1`` (those are hidden, not shown)."""
    low, high = max(shown - base // 2, 0), shown - base // 2 + base - 1
    if 0 < low < threshold:
        low = min(threshold, high)
    if high < threshold:
        high = 0 if low == 0 else high
    return low, high


class CellStatus(enum.StrEnum):
    SHOWN = "shown"
    PRIMARY = "primary"
    SECONDARY = "secondary"


@dataclass(frozen=True)
class Relation:
    """``cells[total] == sum(cells[part] for part in parts)``."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Suppressed:
    """What may be printed of a table: the counts of shown cells and how to mark the others.

    The counts of hidden cells are not kept here at all, so a template cannot print one by
    mistake.
    """

    threshold: int
    statuses: Mapping[str, CellStatus]
    shown: Mapping[str, int]
    """The shown cells' counts as published: rounded to ``base``."""
    base: int = 1

    def status(self, name: str) -> CellStatus:
        return self.statuses[name]

    def is_hidden(self, name: str) -> bool:
        return self.statuses[name] is not CellStatus.SHOWN

    def any_hidden(self, *names: str) -> bool:
        """Whether any of these cells is hidden: a rate or share built on one must be withheld too."""
        return any(self.is_hidden(name) for name in names)

    def value(self, name: str) -> int | None:
        """The published (rounded) count of a shown cell; None when it is hidden."""
        return None if self.is_hidden(name) else self.shown[name]

    def display(self, name: str) -> str:
        """The text for the cell: the published count with thousands separators, "<10" or a dash."""
        status = self.statuses[name]
        if status is CellStatus.PRIMARY:
            return f"<{self.threshold}"
        if status is CellStatus.SECONDARY:
            return SECONDARY_MARK
        return f"{self.shown[name]:,}"


def cell_name(row: str, column: str) -> str:
    """The name :func:`grid_relations` gives the cell at ``row`` and ``column``."""
    return f"{row}|{column}"


def grid_relations(
    rows: Sequence[str], columns: Sequence[str], row_total: str = "Total", column_total: str = "Total"
) -> list[Relation]:
    """The relations of a rows-by-columns table with its margins.

    Each row's total sits in the column named ``row_total`` (``cell_name(row, row_total)``),
    each column's total in the row named ``column_total`` and the grand total at
    ``cell_name(column_total, row_total)``. The grand total is the sum of the row totals and
    also the sum of the column totals.
    """
    if not rows or not columns:
        raise ValueError("a table needs at least one row and one column")
    if len(set(rows)) != len(rows) or len(set(columns)) != len(columns):
        raise ValueError("row and column labels must be unique")
    if column_total in rows or row_total in columns:
        raise ValueError("a total's label cannot also be a row or column label")
    relations = [
        Relation(cell_name(row, row_total), tuple(cell_name(row, column) for column in columns))
        for row in rows
    ]
    relations += [
        Relation(cell_name(column_total, column), tuple(cell_name(row, column) for row in rows))
        for column in columns
    ]
    grand_total = cell_name(column_total, row_total)
    relations.append(Relation(grand_total, tuple(cell_name(column_total, column) for column in columns)))
    relations.append(Relation(grand_total, tuple(cell_name(row, row_total) for row in rows)))
    return relations


def _check(cells: Mapping[str, int], relations: Sequence[Relation], threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError("the threshold must be a positive whole number")
    for name, count in cells.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"cell {name!r} must hold a count, not {count!r}")
    for relation in relations:
        missing = [name for name in (relation.total, *relation.parts) if name not in cells]
        if missing:
            raise ValueError(f"relation for {relation.total!r} names unknown cells: {missing}")
        if not relation.parts:
            raise ValueError(f"relation for {relation.total!r} has no parts")
        if cells[relation.total] != sum(cells[part] for part in relation.parts):
            raise ValueError(f"cell {relation.total!r} is not the sum of its parts")


class _Table:
    """The relations as linear equations, and which hidden cells they give away.

    A reader knows more than the equations: a count is never negative, and a cell marked
    "<10" holds 1 to 9. So a hidden cell is given away when the equations determine it
    exactly, and also when they leave it a single value within those bounds (a shown 13 and
    15 around two "<10" cells that add up to 2 make both 1).
    """

    def __init__(
        self,
        cells: Mapping[str, int],
        relations: Sequence[Relation],
        threshold: int,
        keep: Collection[str] = frozenset(),
        base: int = 1,
        exact: Collection[str] = frozenset(),
        published: Mapping[str, CellStatus] | None = None,
    ) -> None:
        self.cells = cells
        self.published = frozenset(published or ())
        self.elsewhere = frozenset(n for n, status in (published or {}).items() if status is CellStatus.SHOWN)
        """Cells another table shows: a reader knows them whatever this table does."""
        self.base = base
        self.exact = frozenset(exact) if base > 1 else frozenset(cells)
        self.keep = frozenset(keep)
        self.relations = relations
        self.threshold = threshold
        self.primary = frozenset(name for name, count in cells.items() if 0 < count < threshold)
        self.position = {name: index for index, name in enumerate(cells)}
        self.totals = frozenset(relation.total for relation in relations)
        self.coefficients = [self._coefficients(relation) for relation in relations]
        self.touching: dict[str, list[int]] = {}
        for index, coefficients in enumerate(self.coefficients):
            for name in coefficients:
                self.touching.setdefault(name, []).append(index)
        # Cells the relations fix whatever the counts (always 0 then): hiding them protects
        # nothing, and a reader can always work them out.
        self.fixed = self._determined(self.coefficients)
        self._inherent: frozenset[str] | None = None
        self.masked: set[str] = set()
        """Small cells shown as a dash rather than "<threshold": the reader is not told they are small."""

    @staticmethod
    def _coefficients(relation: Relation) -> dict[str, int]:
        coefficients = {relation.total: 1}
        for part in relation.parts:
            coefficients[part] = coefficients.get(part, 0) - 1
        return {name: value for name, value in coefficients.items() if value}

    def _reduce(
        self, rows: Iterable[dict[str, int]], key: Callable[[str], object] | None = None
    ) -> dict[str, dict[str, int]]:
        """The rows in reduced row echelon form, by exact Gauss-Jordan elimination.

        Each pivot row holds its pivot and unknowns that are no other row's pivot, so it
        gives its pivot in terms of those free unknowns. The rows are equations ``== 0``, so
        any multiple will do: they are kept in whole numbers. ``key`` ranks the unknowns a
        row may take as its pivot, table order by default.
        """
        key = key or self.position.__getitem__
        pivots: dict[str, dict[str, int]] = {}
        for coefficients in rows:
            row = dict(coefficients)
            for column in [name for name in row if name in pivots]:
                row = _cleared(row, column, pivots[column])
            if not row:
                continue
            column = min(row, key=key)
            for other_column, other in pivots.items():
                if column in other:
                    pivots[other_column] = _cleared(other, column, row)
            pivots[column] = row
        return pivots

    def _determined(self, rows: Iterable[dict[str, int]]) -> set[str]:
        """The unknowns whose unit vector lies in the row space.

        In reduced row echelon form that is exactly the pivot columns whose row has no other
        entry: any other combination of the rows leaves a free unknown in play.
        """
        return {column for column, row in self._reduce(rows).items() if len(row) == 1}

    def _restricted(self, unknowns: set[str]) -> list[dict[str, int]]:
        """The relations over ``unknowns`` alone: the other cells are known to the reader."""
        touched = sorted({index for name in unknowns for index in self.touching.get(name, ())})
        return [
            {name: value for name, value in self.coefficients[index].items() if name in unknowns}
            for index in touched
        ]

    def leaks(self, hidden: set[str]) -> list[str]:
        """Hidden cells a reader can work out, exactly or through the bounds, in table order."""
        return self.exposed(hidden) or self.pinned(hidden)

    def _unknowns(self, hidden: set[str]) -> set[str]:
        """What a reader does not know exactly: the hidden cells, and the shown ones when rounded."""
        return ((hidden - (self.elsewhere & self.exact)) | (set(self.cells) - self.exact)) - self.fixed

    def exposed(self, hidden: set[str]) -> list[str]:
        """Hidden cells that the shown cells and the relations determine exactly, in table order."""
        found = self._determined(self._restricted(self._unknowns(hidden))) & hidden
        return sorted(found, key=self.position.__getitem__)

    def pinned(self, hidden: set[str]) -> list[str]:
        """Hidden cells left with a single possible count by the relations and bounds, in table order.

        Cells pinned even with every cell of the table hidden are left out: there the markers
        and the relations alone give the count away (say "<5" on four cells of 1 and on their
        total), and no complement can help.
        """
        found = self._pinned(hidden) & hidden
        if found:
            found -= self.inherently_pinned()
        return sorted(found, key=self.position.__getitem__)

    def inherently_pinned(self) -> frozenset[str]:
        if self._inherent is None:
            self._inherent = frozenset(self._pinned(set(self.cells)))
        return self._inherent

    def _bounds(self, name: str, hidden: set[str]) -> tuple[int, int | None]:
        """What a reader knows of a count: 1 to threshold - 1 behind "<threshold", else >= 0;
        a shown count, within its rounding.

        A complementary cell was a shown count, so it is 0 or at least the threshold, but the
        reader is not assumed to miss that gap (nor could the check rely on it: it is not convex).
        """
        if name in self.primary and name not in self.masked:
            return 1, self.threshold - 1
        if name in hidden and name not in self.elsewhere:
            return 0, None
        if name in self.exact:
            return self.cells[name], self.cells[name]
        return rounding_range(rounded(self.cells[name], self.base), self.base, self.threshold)

    def _pinned(self, hidden: set[str]) -> set[str]:
        """Hidden cells whose smallest and largest possible counts are equal.

        The possible counts form a polytope (relations as equations, shown counts fixed,
        bounds) holding the true counts. A cell's count can move iff some direction from the
        true counts stays inside: one the relations allow (``A d = 0``) that does not cross a
        bound the true count sits on. Those directions form a cone, and the cells at a bound
        that it never moves (found by :meth:`_held_at_bound`) are pinned; since the cone fills
        the space of directions with those cells held, every other cell is pinned exactly
        when the relations determine it once those cells are known.
        """
        unknowns = self._unknowns(hidden)
        # "<2" can only be 1, and a rounded 0 can only be 0: such a cell is as good as shown.
        known = {name for name in unknowns if self._bounds(name, hidden)[0] == self._bounds(name, hidden)[1]}
        unknowns -= known
        side: dict[str, int] = {}
        for name in unknowns:
            low, high = self._bounds(name, hidden)
            if self.cells[name] == low:
                side[name] = 1
            elif self.cells[name] == high:
                side[name] = -1
        held: set[str] = set()
        if side:
            # Free unknowns at no bound and parts rather than totals keep the search small:
            # moving one part moves its totals along.
            pivots = self._reduce(
                self._restricted(unknowns),
                key=lambda name: (name in side, name not in self.totals, self.position[name]),
            )
            held = _held_at_bound(side, pivots)
        return known | held | self._determined(self._restricted(unknowns - held))

    def mask(self, cell: str) -> None:
        """Show a small cell as a dash: what it protects then no longer rests on its being small."""
        self.masked.add(cell)
        self._inherent = None

    def complement(self, cell: str, hidden: set[str], *, published_too: bool = False) -> str | None:
        """The shown cell to hide next so that ``cell`` can no longer be worked out.

        Take a cell no other table publishes (unless ``published_too``; None when there is
        none), in the relations through which ``cell`` is most directly given away (those with
        the fewest hidden cells), a cell the caller did not ask to keep, then the smallest count
        there, a part before a total, and a zero only when nothing else is left. When every
        relation of ``cell`` is hidden
        already, it is given away through a chain of relations: take the relations linked to
        it through hidden cells that still hold a shown cell (there is one, or the relations
        would give the cell away whatever is shown, and it would not be asked about).
        """
        candidates = self._relations_with_shown(hidden, lambda names: cell in names)
        if not candidates:
            linked = self.linked(cell, hidden)
            candidates = self._relations_with_shown(hidden, lambda names: bool(linked & names))
        options = [
            (
                len(hidden & names),
                name in self.keep,
                self.cells[name] == 0,
                name == relation.total,
                self.cells[name],
                self.position[name],
                name,
            )
            for relation, names in candidates
            for name in names - hidden - self.fixed
            # A cell another table publishes keeps the status it has there.
            if published_too or name not in self.published
        ]
        return min(options)[-1] if options else None

    def linked(self, cell: str, hidden: set[str]) -> set[str]:
        """The hidden cells joined to ``cell`` by relations: the only ones its count depends on."""
        linked, queue = {cell}, [cell]
        while queue:
            for index in self.touching.get(queue.pop(), ()):
                for other in (self.coefficients[index].keys() & hidden) - linked:
                    linked.add(other)
                    queue.append(other)
        return linked

    def _relations_with_shown(
        self, hidden: set[str], keep: Callable[[set[str]], bool]
    ) -> list[tuple[Relation, set[str]]]:
        found = []
        for relation in self.relations:
            names = {relation.total, *relation.parts}
            if keep(names) and names - hidden - self.fixed:
                found.append((relation, names))
        return found


def _held_at_bound(side: Mapping[str, int], pivots: Mapping[str, dict[str, int]]) -> set[str]:
    """The cells at a bound that no allowed direction moves.

    ``side`` gives each cell at a bound the sign it may move with (+1 off a lower bound, -1
    off an upper one); ``pivots`` solves the relations for some unknowns in terms of the
    free ones. A direction is then a set of moves of the free unknowns, each a free unknown
    and a sign (only the allowed sign for one at a bound), by amounts >= 0. Each cell at a
    bound becomes a linear form in those amounts that must stay >= 0, and is released when
    some allowed direction makes its form positive. Moves of one free unknown release most
    cells; the rest is settled exactly by linear programming, which finds an allowed
    direction making the total of the undecided forms positive, or proves there is none.
    """
    moves: dict[tuple[str, int], int] = {}
    forms: dict[str, dict[int, int]] = {}
    for name, sign in side.items():
        if name in pivots:
            # pivots[name] reads lead * d[name] + sum(value * d[column]) == 0.
            lead = pivots[name][name]
            terms = {
                column: -sign * value * (1 if lead > 0 else -1)
                for column, value in pivots[name].items()
                if column != name
            }
        else:
            terms = {name: sign}
        forms[name] = {
            moves.setdefault((column, direction), len(moves)): value * direction
            for column, value in terms.items()
            for direction in ((side[column],) if column in side else (1, -1))
        }
    released: set[str] = set()
    for move in range(len(moves)):
        values = {name: form.get(move, 0) for name, form in forms.items()}
        if all(value >= 0 for value in values.values()):
            released |= {name for name, value in values.items() if value > 0}
    undecided = set(side) - released
    if not undecided:
        return undecided
    simplex = _Simplex([form for name, form in forms.items() if name in pivots and form], len(moves))
    goal: dict[int, int] = {}
    for name in undecided:
        _add_to(goal, forms[name], 1)
    while undecided and (point := simplex.positive_point(goal)):
        for name in sorted(undecided):
            if sum(value * point.get(move, 0) for move, value in forms[name].items()) > 0:
                undecided.remove(name)
                _add_to(goal, forms[name], -1)
    return undecided


def _add_to(total: dict[int, int], form: Mapping[int, int], factor: int) -> None:
    for move, value in form.items():
        updated = total.get(move, 0) + factor * value
        if updated:
            total[move] = updated
        else:
            total.pop(move, None)


@dataclass
class _Row:
    """The equation ``sum(terms[j] * x[j]) == right``, every number divided by ``scale``.

    Whole numbers with a positive common divisor per row keep exact arithmetic fast.
    """

    terms: dict[int, int]
    right: int
    scale: int

    def reduce(self) -> None:
        if self.scale < 0:
            self.terms = {column: -value for column, value in self.terms.items()}
            self.right, self.scale = -self.right, -self.scale
        divisor = math.gcd(self.scale, self.right, *self.terms.values())
        if divisor > 1:
            self.terms = {column: value // divisor for column, value in self.terms.items()}
            self.right //= divisor
            self.scale //= divisor

    def eliminate(self, column: int, source: _Row) -> None:
        """Subtract the multiple of ``source`` that clears ``column`` from this row."""
        mine = self.terms.get(column)
        if not mine:
            return
        theirs = source.terms[column]
        terms = {name: value * theirs for name, value in self.terms.items()}
        for name, value in source.terms.items():
            updated = terms.get(name, 0) - mine * value
            if updated:
                terms[name] = updated
            else:
                terms.pop(name, None)
        self.terms = terms
        self.right = self.right * theirs - mine * source.right
        self.scale *= theirs
        self.reduce()


class _Simplex:
    """``max goal(x)`` over ``x >= 0``, ``limit(x) >= 0`` for each limit and ``sum(x) <= 1``.

    The primal simplex method in exact arithmetic, with Bland's rule so that it cannot
    cycle. Each limit is homogeneous, so the origin is a vertex to start from, and the cap
    makes the region bounded: for these cones it only sets the scale. The constraints stay
    while the goal changes, so each search starts from the vertex the last one reached.
    """

    def __init__(self, limits: Sequence[Mapping[int, int]], width: int) -> None:
        self.width = width
        self.rows = [_Row({column: -value for column, value in limit.items()}, 0, 1) for limit in limits]
        self.rows.append(_Row(dict.fromkeys(range(width), 1), 1, 1))
        for position, row in enumerate(self.rows):
            row.terms[width + position] = 1
        self.basis = [width + position for position in range(len(self.rows))]

    def positive_point(self, goal: Mapping[int, int]) -> dict[int, int] | None:
        """A point of the region where ``goal`` is positive, times a positive number; else None."""
        costs = _Row(dict(goal), 0, 1)
        for row, column in zip(self.rows, self.basis, strict=True):
            costs.eliminate(column, row)
        # Now goal(x) == (sum(costs.terms[j] * x[j]) - costs.right) / costs.scale, where only
        # columns out of the basis have terms, and they are 0 at the vertex.
        while costs.right >= 0:
            entering = min((column for column, value in costs.terms.items() if value > 0), default=None)
            if entering is None:
                return None
            _, _, leaving = min(
                (Fraction(row.right, row.terms[entering]), self.basis[position], position)
                for position, row in enumerate(self.rows)
                if row.terms.get(entering, 0) > 0
            )
            self._pivot(leaving, entering)
            costs.eliminate(entering, self.rows[leaving])
        common = math.lcm(*(row.scale for row in self.rows))
        return {
            column: row.right * (common // row.scale)
            for row, column in zip(self.rows, self.basis, strict=True)
            if column < self.width and row.right
        }

    def _pivot(self, leaving: int, entering: int) -> None:
        pivot = self.rows[leaving]
        pivot.scale = pivot.terms[entering]
        pivot.reduce()
        for position, row in enumerate(self.rows):
            if position != leaving:
                row.eliminate(entering, pivot)
        self.basis[leaving] = entering


def _cleared(row: dict[str, int], column: str, source: dict[str, int]) -> dict[str, int]:
    """The combination of ``row`` and ``source`` without ``column``, in lowest whole numbers."""
    keep, take = source[column], row[column]
    combined = {name: value * keep for name, value in row.items()}
    for name, value in source.items():
        updated = combined.get(name, 0) - take * value
        if updated:
            combined[name] = updated
        else:
            combined.pop(name, None)
    divisor = math.gcd(*combined.values())
    return {name: value // divisor for name, value in combined.items()} if divisor > 1 else combined


def suppress(
    cells: Mapping[str, int],
    relations: Sequence[Relation],
    threshold: int,
    keep: Collection[str] = frozenset(),
    base: int = 1,
    exact: Collection[str] = frozenset(),
    published: Mapping[str, CellStatus] | None = None,
) -> Suppressed:
    """Hide the counts from 1 to ``threshold - 1`` and whatever would let a reader work them out.

    Zero is shown: it identifies no one. Complementary cells are added one at a time until
    no hidden cell is determined by the shown ones, nor pinned to a single value by them and
    the bounds a reader knows; then each complementary cell, largest first, is shown again if
    that gives nothing away, so the table keeps as much as it can.

    ``keep`` names the cells to leave shown whenever another choice protects as well: the
    counts a rate rests on, so that hiding a small count of censored youth does not withhold
    a group's reoffending rate when hiding its cohort size would do.

    ``base`` rounds the shown counts (and the threshold is at least the smallest count that
    does not round to 0) (:data:`PUBLISHED_BASE` for what is published); a reader
    is then taken to know each shown count only to within its rounding, except the ``exact``
    ones: those a published rate or curve rests on, which a reader can work back from it.

    Small cells that no complement can protect (their markers and the relations pin them, or
    only cells another table publishes could) are shown as dashes instead of "<threshold":
    the reader is then not told they are small.

    ``published`` gives cells that another table publishes too (a report's total row is the
    ungrouped report): they keep that table's status, hidden or shown, so the two tables hide
    consistently and one cannot be subtracted from the other.
    """
    _check(cells, relations, threshold)
    # Rounded to fives, a 1 or a 2 would read as 0, which must mean none: such counts are hidden.
    threshold = max(threshold, base - base // 2)
    published = published or {}
    table = _Table(cells, relations, threshold, keep, base, exact, published)
    primary = set(table.primary)
    hidden = primary | {name for name, status in published.items() if status is not CellStatus.SHOWN}
    forced = hidden - primary
    while True:
        # Another table shows its small cells as small: those cannot be masked here.
        maskable = primary - table.masked - table.published
        leaked = table.leaks(hidden)
        if not leaked:
            # Small cells that what another table shows pins whatever this one hides.
            stuck = table.inherently_pinned() & maskable
            if not stuck:
                break
            for cell in stuck:
                table.mask(cell)
            continue
        choice = table.complement(leaked[0], hidden)
        small = table.linked(leaked[0], hidden) & maskable or maskable
        if choice is None and small:
            # Only cells another table publishes could protect it: say less of the small cells
            # it is tied to instead.
            for cell in small:
                table.mask(cell)
            continue
        if choice is None:
            choice = table.complement(leaked[0], hidden, published_too=True)
            assert choice is not None, "a leaked cell always has a shown cell in some relation"
        hidden.add(choice)
    for name in sorted(
        hidden - primary - forced,
        key=lambda name: (name not in table.keep, -cells[name], table.position[name]),
    ):
        if not table.leaks(hidden - {name}):
            hidden.remove(name)
    statuses = {
        name: CellStatus.PRIMARY
        if name in primary - table.masked
        else CellStatus.SECONDARY
        if name in hidden
        else CellStatus.SHOWN
        for name in cells
    }
    shown = {name: rounded(count, base) for name, count in cells.items() if name not in hidden}
    return Suppressed(threshold, MappingProxyType(statuses), MappingProxyType(shown), base)
