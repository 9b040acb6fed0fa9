"""Small-cell suppression for published tables.

A count of one to nine youth in a cell can identify them, so such counts are hidden
(primary suppression) and shown as "<10". Hiding them is not enough when the table also
prints totals: a hidden cell that is the only unknown of a row can be worked back out by
subtraction, and so, through longer chains of rows and columns, can others. So more cells
are hidden (secondary, or complementary, suppression) until no hidden cell can be worked
out exactly from the shown ones. Those are shown as a dash, not "<10", because they may
hold large counts.

A table is a mapping of named cells to counts plus the additive relations between them
(``total == sum(parts)``); :func:`grid_relations` builds the usual rows-by-columns table with
row, column and grand totals.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

SECONDARY_MARK = "\N{EM DASH}"


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

    def status(self, name: str) -> CellStatus:
        return self.statuses[name]

    def is_hidden(self, name: str) -> bool:
        return self.statuses[name] is not CellStatus.SHOWN

    def any_hidden(self, *names: str) -> bool:
        """Whether any of these cells is hidden: a rate or share built on one must be withheld too."""
        return any(self.is_hidden(name) for name in names)

    def value(self, name: str) -> int | None:
        """The count of a shown cell; None when it is hidden."""
        return None if self.is_hidden(name) else self.shown[name]

    def display(self, name: str) -> str:
        """The text for the cell: the count with thousands separators, "<10" or a dash."""
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
    """The relations as linear equations, and which hidden cells they give away."""

    def __init__(self, cells: Mapping[str, int], relations: Sequence[Relation]) -> None:
        self.cells = cells
        self.relations = relations
        self.position = {name: index for index, name in enumerate(cells)}
        self.coefficients = [self._coefficients(relation) for relation in relations]
        # Cells the relations fix whatever the counts (always 0 then): hiding them protects
        # nothing, and a reader can always work them out.
        self.fixed = self._determined(self.coefficients)

    @staticmethod
    def _coefficients(relation: Relation) -> dict[str, int]:
        coefficients = {relation.total: 1}
        for part in relation.parts:
            coefficients[part] = coefficients.get(part, 0) - 1
        return {name: value for name, value in coefficients.items() if value}

    def _determined(self, rows: Iterable[dict[str, int]]) -> set[str]:
        """The unknowns whose unit vector lies in the row space, by exact Gauss-Jordan elimination.

        In reduced row echelon form that is exactly the pivot columns whose row has no other
        entry: any other combination of the rows leaves a free unknown in play.
        """
        pivots: dict[str, dict[str, Fraction]] = {}
        for coefficients in rows:
            row = {name: Fraction(value) for name, value in coefficients.items()}
            for column in [name for name in row if name in pivots]:
                _subtract(row, row.pop(column), pivots[column], column)
            if not row:
                continue
            column = min(row, key=self.position.__getitem__)
            scale = row.pop(column)
            pivot = {name: value / scale for name, value in row.items()}
            for other in pivots.values():
                factor = other.pop(column, None)
                if factor is not None:
                    _subtract(other, factor, pivot, column)
            pivot[column] = Fraction(1)
            pivots[column] = pivot
        return {column for column, row in pivots.items() if len(row) == 1}

    def exposed(self, hidden: set[str]) -> list[str]:
        """Hidden cells that the shown cells and the relations determine exactly, in table order."""
        unknowns = hidden - self.fixed
        rows = (
            {name: value for name, value in coefficients.items() if name in unknowns}
            for coefficients in self.coefficients
        )
        return sorted(self._determined(rows), key=self.position.__getitem__)

    def complement(self, cell: str, hidden: set[str]) -> str:
        """The shown cell to hide next so that ``cell`` can no longer be worked out.

        Look in the relations through which ``cell`` is most directly given away (those with
        the fewest hidden cells) and take the smallest count there, a part before a total,
        and a zero only when nothing else is left. When every relation of ``cell`` is hidden
        already, it is given away through a chain of relations: any relation that still mixes
        hidden and shown cells will do.
        """
        candidates = self._relations_with_shown(hidden, lambda names: cell in names)
        if not candidates:
            candidates = self._relations_with_shown(hidden, lambda names: bool(hidden & names))
        fewest_hidden = min(len(hidden & names) for _, names in candidates)
        options = (
            (self.cells[name] == 0, name == relation.total, self.cells[name], self.position[name], name)
            for relation, names in candidates
            if len(hidden & names) == fewest_hidden
            for name in names - hidden - self.fixed
        )
        return min(options)[-1]

    def _relations_with_shown(
        self, hidden: set[str], keep: Callable[[set[str]], bool]
    ) -> list[tuple[Relation, set[str]]]:
        found = []
        for relation in self.relations:
            names = {relation.total, *relation.parts}
            if keep(names) and names - hidden - self.fixed:
                found.append((relation, names))
        return found


def _subtract(row: dict[str, Fraction], factor: Fraction, pivot: dict[str, Fraction], column: str) -> None:
    """``row -= factor * pivot`` over the entries other than the pivot's own column."""
    for name, value in pivot.items():
        if name == column:
            continue
        updated = row.get(name, 0) - factor * value
        if updated:
            row[name] = updated
        else:
            row.pop(name, None)


def suppress(cells: Mapping[str, int], relations: Sequence[Relation], threshold: int) -> Suppressed:
    """Hide the counts from 1 to ``threshold - 1`` and whatever would let a reader work them out.

    Zero is shown: it identifies no one. Complementary cells are added one at a time until
    no hidden cell is determined by the shown ones; then each complementary cell, largest
    first, is shown again if that gives nothing away, so the table keeps as much as it can.
    """
    _check(cells, relations, threshold)
    table = _Table(cells, relations)
    primary = {name for name, count in cells.items() if 0 < count < threshold}
    hidden = set(primary)
    while exposed := table.exposed(hidden):
        hidden.add(table.complement(exposed[0], hidden))
    for name in sorted(hidden - primary, key=lambda name: (-cells[name], table.position[name])):
        if not table.exposed(hidden - {name}):
            hidden.remove(name)
    statuses = {
        name: CellStatus.PRIMARY
        if name in primary
        else CellStatus.SECONDARY
        if name in hidden
        else CellStatus.SHOWN
        for name in cells
    }
    shown = {name: count for name, count in cells.items() if name not in hidden}
    return Suppressed(threshold, MappingProxyType(statuses), MappingProxyType(shown))
