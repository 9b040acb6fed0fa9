"""Small-cell suppression: nothing hidden can be worked back out from what is shown."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from tests.reports.test_disclosure_attacks import possible_counts
from youthcourt.reports.suppression import (
    PUBLISHED_BASE,
    CellStatus,
    Relation,
    Suppressed,
    cell_name,
    grid_relations,
    rounded,
    suppress,
)

ROWS = ("Police", "School", "Probation")
COLUMNS = ("Completed", "Unsuccessful")


def grid_cells(counts: dict[tuple[str, str], int], rows, columns) -> dict[str, int]:
    """A full table with its row, column and grand totals."""
    cells = {cell_name(row, column): counts[row, column] for row in rows for column in columns}
    for row in rows:
        cells[cell_name(row, "Total")] = sum(counts[row, column] for column in columns)
    for column in columns:
        cells[cell_name("Total", column)] = sum(counts[row, column] for row in rows)
    cells["Total|Total"] = sum(counts.values())
    return cells


def hidden_cells(result: Suppressed, cells) -> list[str]:
    return [name for name in cells if result.is_hidden(name)]


def recoverable(hidden: list[str], relations: list[Relation]) -> list[str]:
    """Hidden cells whose unit vector lies in the row space of the relations over the hidden cells.

    Worked out here with numpy ranks, independently of the module's exact elimination.
    """
    if not hidden:
        return []
    index = {name: position for position, name in enumerate(hidden)}
    matrix = np.zeros((len(relations), len(hidden)))
    for row, relation in enumerate(relations):
        if relation.total in index:
            matrix[row, index[relation.total]] += 1
        for part in relation.parts:
            if part in index:
                matrix[row, index[part]] -= 1
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for name in hidden:
        unit = np.zeros(len(hidden))
        unit[index[name]] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(name)
    return found


def pinned(cells: dict[str, int], relations: list[Relation], threshold: int, hidden) -> list[str]:
    """Hidden cells whose smallest and largest possible counts are equal."""
    return list(pinned_cells(cells, relations, threshold, hidden))


def published_range(count: int, base: int, threshold: int) -> tuple[int, int]:
    """The counts a reader knows a shown count may be, when counts are published rounded to ``base``:
    those that round to the same figure and could be shown (0, or at least the threshold)."""
    published = base * round(count / base + 1e-9) if base > 1 else count
    possible = [
        value
        for value in range(max(count - base, 0), count + base + 1)
        if (base * round(value / base + 1e-9) if base > 1 else value) == published
        and (value == 0 or value >= threshold)
    ]
    return min(possible), max(possible)


def pinned_cells(
    cells: dict[str, int],
    relations: list[Relation],
    threshold: int,
    hidden,
    base: int = 1,
    exact=(),
    marked=None,
) -> Iterator[str]:
    """The hidden cells whose smallest and largest possible counts are equal, one by one.

    A reader knows the shown counts (to within their rounding to ``base``), the relations,
    that a "<threshold" cell holds 1 to threshold - 1 and that any other hidden count is at
    least 0. ``marked`` names the cells shown as "<threshold" (by default every hidden small
    cell); a small cell shown as a dash tells the reader no more than a hidden complement does.
    The ``exact`` cells are known exactly when shown (a shown rate gives them away).
    The range of each hidden cell over those is found with scipy's linear programming,
    independently of the module.
    """
    if marked is None:
        marked = [name for name in hidden if 0 < cells[name] < threshold]
    names = list(cells)
    index = {name: position for position, name in enumerate(names)}
    equations = np.zeros((len(relations), len(names)))
    for row, relation in enumerate(relations):
        equations[row, index[relation.total]] += 1
        for part in relation.parts:
            equations[row, index[part]] -= 1
    bounds = [
        published_range(cells[name], 1 if name in exact else base, threshold)
        if name not in hidden
        else (1, threshold - 1)
        if name in marked
        else (0, None)
        for name in names
    ]
    for name in hidden:
        # The true counts are possible, so a cell is pinned when neither a smaller nor a
        # larger count than its own is.
        objective = np.zeros(len(names))
        objective[index[name]] = 1
        smallest = linprog(objective, A_eq=equations, b_eq=np.zeros(len(relations)), bounds=bounds)
        assert smallest.status == 0
        if smallest.fun < cells[name] - 1e-6:
            continue
        largest = linprog(-objective, A_eq=equations, b_eq=np.zeros(len(relations)), bounds=bounds)
        assert largest.status in (0, 3)  # 3: no largest count
        if largest.status == 0 and -largest.fun < cells[name] + 1e-6:
            yield name


class Reader:
    """What a reader can work out of a table from its shown cells and markers."""

    def __init__(self, cells: dict[str, int], relations: list[Relation], threshold: int) -> None:
        self.cells, self.relations, self.threshold = cells, relations, threshold

    @functools.cached_property
    def inherent(self) -> set[str]:
        """Cells pinned even with every cell hidden: no suppression can protect them."""
        return set(pinned(self.cells, self.relations, self.threshold, list(self.cells)))

    def given_away(self, hidden: list[str], marked=None) -> list[str]:
        """Hidden cells recoverable exactly, or else pinned by the bounds (bar the inherent ones).

        ``marked``: the cells shown as "<threshold" (see :func:`pinned_cells`)."""
        return recoverable(hidden, self.relations) or list(self._pinned(hidden, marked))

    def gives_away(self, hidden: list[str], marked=None) -> bool:
        return (
            bool(recoverable(hidden, self.relations)) or next(self._pinned(hidden, marked), None) is not None
        )

    def _pinned(self, hidden: list[str], marked=None) -> Iterator[str]:
        found = pinned_cells(self.cells, self.relations, self.threshold, hidden, marked=marked)
        return (name for name in found if name not in self.inherent)


def test_a_small_cell_forces_a_complement_in_its_row_and_column():
    counts = {
        ("Police", "Completed"): 40,
        ("Police", "Unsuccessful"): 4,
        ("School", "Completed"): 25,
        ("School", "Unsuccessful"): 12,
        ("Probation", "Completed"): 30,
        ("Probation", "Unsuccessful"): 15,
    }
    cells = grid_cells(counts, ROWS, COLUMNS)
    relations = grid_relations(ROWS, COLUMNS)
    result = suppress(cells, relations, threshold=10)

    assert result.status("Police|Unsuccessful") is CellStatus.PRIMARY
    assert result.display("Police|Unsuccessful") == "<10"
    # The smallest other unsuccessful count hides with it, and so does the police row's
    # other cell, closing the rectangle.
    assert {name for name in cells if result.status(name) is CellStatus.SECONDARY} == {
        "School|Unsuccessful",
        "Police|Completed",
        "School|Completed",
    }
    assert result.display("School|Unsuccessful") == "\N{EM DASH}"
    assert result.display("Total|Total") == "126"
    assert result.value("Police|Total") == 44
    assert result.value("Police|Unsuccessful") is None
    assert "Police|Unsuccessful" not in result.shown
    assert recoverable(hidden_cells(result, cells), relations) == []


def test_zeros_are_shown_and_large_counts_get_thousands_separators():
    counts = {
        ("Police", "Completed"): 1200,
        ("Police", "Unsuccessful"): 0,
        ("School", "Completed"): 310,
        ("School", "Unsuccessful"): 45,
        ("Probation", "Completed"): 0,
        ("Probation", "Unsuccessful"): 0,
    }
    cells = grid_cells(counts, ROWS, COLUMNS)
    result = suppress(cells, grid_relations(ROWS, COLUMNS), threshold=10)

    assert not result.any_hidden(*cells)
    assert result.display("Police|Completed") == "1,200"
    assert result.display("Police|Unsuccessful") == "0"
    assert result.display("Total|Total") == "1,555"


def test_rates_on_a_hidden_count_are_withheld():
    counts = {
        ("Police", "Completed"): 50,
        ("Police", "Unsuccessful"): 3,
        ("School", "Completed"): 60,
        ("School", "Unsuccessful"): 20,
        ("Probation", "Completed"): 70,
        ("Probation", "Unsuccessful"): 22,
    }
    cells = grid_cells(counts, ROWS, COLUMNS)
    result = suppress(cells, grid_relations(ROWS, COLUMNS), threshold=10)

    assert result.any_hidden("Police|Unsuccessful", "Police|Total")
    assert not result.any_hidden("Probation|Unsuccessful", "Probation|Total")
    assert not result.any_hidden()


def test_threshold_sets_the_marker_and_zero_is_never_primary():
    cells = {"all": 7, "boys": 0, "girls": 7}
    relations = [Relation("all", ("boys", "girls"))]
    result = suppress(cells, relations, threshold=11)

    # The total is as small as the cell, so both are primary and neither gives the other away.
    assert result.display("girls") == "<11"
    assert result.display("all") == "<11"
    assert result.display("boys") == "0"

    result = suppress({"all": 12, "boys": 0, "girls": 12}, relations, threshold=5)
    assert not result.any_hidden("all", "boys", "girls")


def test_a_zero_is_hidden_only_when_nothing_else_can_protect_a_cell():
    cells = {"all": 25, "a": 3, "b": 0, "c": 22}
    relations = [Relation("all", ("a", "b", "c"))]
    result = suppress(cells, relations, threshold=10)
    assert result.status("c") is CellStatus.SECONDARY
    assert result.display("b") == "0"

    cells = {"all": 3, "a": 3, "b": 0}
    result = suppress(cells, [Relation("all", ("a", "b"))], threshold=10)
    assert result.status("all") is CellStatus.PRIMARY
    assert result.status("b") is CellStatus.SHOWN


def test_a_part_is_preferred_to_a_total_and_a_smaller_count_to_a_larger_one():
    cells = {"all": 60, "a": 4, "b": 20, "c": 36}
    result = suppress(cells, [Relation("all", ("a", "b", "c"))], threshold=10)
    assert [name for name in cells if result.is_hidden(name)] == ["a", "b"]
    assert result.display("all") == "60"


def test_small_cells_that_cover_each_other_need_no_complement():
    counts = {
        ("Police", "Completed"): 5,
        ("Police", "Unsuccessful"): 6,
        ("School", "Completed"): 5,
        ("School", "Unsuccessful"): 7,
        ("Probation", "Completed"): 30,
        ("Probation", "Unsuccessful"): 40,
    }
    cells = grid_cells(counts, ROWS, COLUMNS)
    relations = grid_relations(ROWS, COLUMNS)
    result = suppress(cells, relations, threshold=10)
    assert {name for name in cells if result.status(name) is CellStatus.SECONDARY} == set()
    assert result.display("Police|Total") == "11"
    assert recoverable(hidden_cells(result, cells), relations) == []


def test_small_cells_held_by_their_bounds_get_a_complement():
    # 13 completed of 15 closed leave 2 for the two "<10" cells, which hold at least 1 each:
    # subtraction alone gives neither away, but together with the bounds both are 1.
    cells = {"closed": 15, "completed": 13, "unsuccessful": 1, "withdrawn": 1}
    relations = [Relation("closed", ("completed", "unsuccessful", "withdrawn"))]
    assert recoverable(["unsuccessful", "withdrawn"], relations) == []
    assert pinned(cells, relations, 10, ["unsuccessful", "withdrawn"]) == ["unsuccessful", "withdrawn"]

    result = suppress(cells, relations, threshold=10)

    assert result.status("completed") is CellStatus.SECONDARY
    assert result.display("completed") == "\N{EM DASH}"
    assert result.display("closed") == "15"
    assert pinned(cells, relations, 10, hidden_cells(result, cells)) == []


def test_a_cycle_of_hidden_cells_held_by_bounds_is_opened():
    columns = ("Completed", "Unsuccessful", "Withdrawn")
    counts = {
        ("Police", "Completed"): 13,
        ("Police", "Unsuccessful"): 1,
        ("Police", "Withdrawn"): 1,
        ("School", "Completed"): 12,
        ("School", "Unsuccessful"): 31,
        ("School", "Withdrawn"): 20,
        ("Probation", "Completed"): 20,
        ("Probation", "Unsuccessful"): 45,
        ("Probation", "Withdrawn"): 14,
    }
    cells = grid_cells(counts, ROWS, columns)
    relations = grid_relations(ROWS, columns)
    # A cycle through the other rows stops subtraction, but it can only move the two police
    # cells in opposite directions and both sit at their least count of 1: every cell on it
    # would be given away, the school's 12 completed included.
    cycle = [
        "Police|Unsuccessful",
        "Police|Withdrawn",
        "School|Completed",
        "School|Unsuccessful",
        "Probation|Completed",
        "Probation|Withdrawn",
    ]
    assert recoverable(cycle, relations) == []
    assert sorted(pinned(cells, relations, 10, cycle)) == sorted(cycle)

    result = suppress(cells, relations, threshold=10)
    hidden = hidden_cells(result, cells)

    assert result.status("Police|Completed") is CellStatus.SECONDARY
    assert result.display("Police|Total") == "15"
    assert recoverable(hidden, relations) == []
    assert pinned(cells, relations, 10, hidden) == []


def test_cells_the_markers_give_away_on_their_own_are_shown_as_dashes():
    # Two cells of at least 1 make a total below 3: marked "<3", all three are known whatever
    # else is hidden. Shown as dashes, which do not say they are small, none is.
    cells = {"all": 2, "a": 1, "b": 1, "c": 0}
    relations = [Relation("all", ("a", "b", "c"))]
    assert pinned(cells, relations, 3, list(cells)) == ["all", "a", "b", "c"]

    result = suppress(cells, relations, threshold=3)

    assert [name for name in cells if result.is_hidden(name)] == ["all", "a", "b"]
    assert [result.display(name) for name in cells] == ["\N{EM DASH}", "\N{EM DASH}", "\N{EM DASH}", "0"]
    known = {"c": (0, 0)}
    assert all(
        len(possible_counts(name, [("all", ("a", "b", "c"))], known)) > 1 for name in ("all", "a", "b")
    )


def test_grid_relations_names_the_margins():
    relations = grid_relations(["a", "b"], ["x", "y", "z"], row_total="All", column_total="Sum")
    assert Relation("a|All", ("a|x", "a|y", "a|z")) in relations
    assert Relation("Sum|y", ("a|y", "b|y")) in relations
    assert Relation("Sum|All", ("Sum|x", "Sum|y", "Sum|z")) in relations
    assert Relation("Sum|All", ("a|All", "b|All")) in relations
    assert len(relations) == 2 + 3 + 2


@pytest.mark.parametrize(
    ("rows", "columns"),
    [([], ["x"]), (["a"], []), (["a", "a"], ["x"]), (["Total"], ["x"]), (["a"], ["Total"])],
)
def test_grid_relations_rejects_ambiguous_labels(rows, columns):
    with pytest.raises(ValueError, match=r"\w"):
        grid_relations(rows, columns)


@pytest.mark.parametrize(
    ("cells", "relations", "threshold"),
    [
        ({"all": 5, "a": 2, "b": 2}, [Relation("all", ("a", "b"))], 10),
        ({"all": 4, "a": 2, "b": 2}, [Relation("all", ("a", "c"))], 10),
        ({"all": 4, "a": 2, "b": 2}, [Relation("all", ())], 10),
        ({"all": 4, "a": -2, "b": 6}, [Relation("all", ("a", "b"))], 10),
        ({"all": 4, "a": 2.0, "b": 2}, [Relation("all", ("a", "b"))], 10),
        ({"all": 4, "a": 2, "b": 2}, [Relation("all", ("a", "b"))], 0),
    ],
    ids=["not-additive", "unknown-cell", "no-parts", "negative", "not-a-count", "threshold"],
)
def test_suppress_rejects_inconsistent_tables(cells, relations, threshold):
    with pytest.raises(ValueError, match=r"\w"):
        suppress(cells, relations, threshold)


def test_unknown_cell_names_raise():
    result = suppress({"all": 20, "a": 20}, [Relation("all", ("a",))], threshold=10)
    with pytest.raises(KeyError):
        result.display("b")
    with pytest.raises(KeyError):
        result.is_hidden("b")


def test_two_hundred_cells_are_protected():
    rows = [f"r{index}" for index in range(20)]
    columns = [f"c{index}" for index in range(9)]
    counts = {
        (row, column): (3 + (i * j) % 7 if (i * 7 + j * 3) % 11 == 0 else 12 + (i * 31 + j * 17) % 90)
        for i, row in enumerate(rows)
        for j, column in enumerate(columns)
    }
    cells = grid_cells(counts, rows, columns)
    relations = grid_relations(rows, columns)
    result = suppress(cells, relations, threshold=10)
    hidden = hidden_cells(result, cells)
    assert any(result.status(name) is CellStatus.SECONDARY for name in hidden)
    assert recoverable(hidden, relations) == []
    assert pinned(cells, relations, 10, hidden) == []


count = st.one_of(st.integers(0, 4), st.integers(0, 12), st.integers(0, 40))


@st.composite
def tables(draw):
    rows = [f"r{index}" for index in range(draw(st.integers(2, 6)))]
    columns = [f"c{index}" for index in range(draw(st.integers(2, 4)))]
    counts = {(row, column): draw(count) for row in rows for column in columns}
    return grid_cells(counts, rows, columns), grid_relations(rows, columns), draw(st.integers(5, 11))


def chain_table(counts: dict[str, tuple[int, int, int]]) -> tuple[dict[str, int], list[Relation]]:
    """A table shaped like the reoffending report's, from each group's reoffended, not reoffended
    and censored counts: cohort = full window + censored, full window = reoffended + not
    reoffended, with a total row over several groups."""
    columns = ("cohort", "full", "censored", "reoffended", "not")
    cells = {}
    for group, (reoffended, not_reoffended, censored) in counts.items():
        full = reoffended + not_reoffended
        values = (full + censored, full, censored, reoffended, not_reoffended)
        cells |= {f"{group}|{column}": value for column, value in zip(columns, values, strict=True)}
    rows = list(counts)
    if len(counts) > 1:
        rows.append("total")
        for column in columns:
            cells[f"total|{column}"] = sum(cells[f"{group}|{column}"] for group in counts)
    relations = []
    for row in rows:
        relations.append(Relation(f"{row}|cohort", (f"{row}|full", f"{row}|censored")))
        relations.append(Relation(f"{row}|full", (f"{row}|reoffended", f"{row}|not")))
    if len(counts) > 1:
        relations += [
            Relation(f"total|{column}", tuple(f"{group}|{column}" for group in counts)) for column in columns
        ]
    return cells, relations


@st.composite
def chains(draw):
    """Reoffending-shaped tables (:func:`chain_table`) of one to four groups."""
    groups = range(draw(st.integers(1, 4)))
    cells, relations = chain_table({f"g{index}": (draw(count), draw(count), draw(count)) for index in groups})
    return cells, relations, draw(st.integers(5, 11))


@settings(max_examples=300, deadline=None)
@given(st.one_of(tables(), chains()))
def test_no_hidden_cell_can_be_worked_out(table):
    cells, relations, threshold = table
    result = suppress(cells, relations, threshold)
    hidden = hidden_cells(result, cells)

    reader = Reader(cells, relations, threshold)
    # The reader sees which cells say "<threshold"; the small cells shown as dashes they cannot
    # tell from complements.
    marked = [name for name in hidden if result.display(name) == f"<{threshold}"]
    assert recoverable(hidden, relations) == []
    # Nor is any pinned to one value by the bounds, unless the markers alone do that.
    assert reader.given_away(hidden, marked) == []
    for name in hidden:
        if result.status(name) is CellStatus.SECONDARY and not 0 < cells[name] < threshold:
            # Every complement is needed: showing it again would give a hidden cell away.
            assert reader.gives_away([other for other in hidden if other != name], marked)
    for name, value in cells.items():
        if 0 < value < threshold and name in reader.inherent:
            # Marked small, it would be known: shown as a dash instead.
            assert result.display(name) == "\N{EM DASH}"
        elif 0 < value < threshold:
            assert result.status(name) is CellStatus.PRIMARY
            assert result.display(name) == f"<{threshold}"
        elif result.is_hidden(name):
            assert result.status(name) is CellStatus.SECONDARY
            assert result.display(name) == "\N{EM DASH}"
        else:
            assert result.value(name) == value
            assert result.display(name) == f"{value:,}"


def test_cells_to_keep_are_hidden_last_when_another_cell_protects_as_well():
    """A small censored count is protected by hiding the cohort size, not the counts a rate rests on."""
    cells = {"cohort": 120, "full": 115, "censored": 5, "reoffended": 20, "not": 95}
    relations = [Relation("cohort", ("full", "censored")), Relation("full", ("reoffended", "not"))]

    plain = suppress(cells, relations, threshold=10)
    kept = suppress(cells, relations, threshold=10, keep={"full", "reoffended", "not"})

    assert plain.is_hidden("full") and not plain.is_hidden("cohort")
    assert kept.is_hidden("censored") and kept.is_hidden("cohort")
    assert not kept.any_hidden("full", "reoffended", "not")
    assert kept.display("cohort") == "—" and kept.display("full") == "115"


def test_published_counts_are_rounded_to_fives_and_zero_stays_zero():
    cells = {"all": 1213, "boys": 0, "girls": 1213}
    result = suppress(cells, [Relation("all", ("boys", "girls"))], threshold=10, base=PUBLISHED_BASE)

    assert result.display("all") == "1,215"
    assert result.value("girls") == 1215
    assert result.display("boys") == "0"
    assert [rounded(count, 5) for count in (10, 12, 13, 17, 18)] == [10, 10, 15, 15, 20]


def test_rounding_protects_a_small_censored_count_without_a_complement():
    """Exact, the cohort minus the full window gives the censored 4 away; rounded, it cannot."""
    cells = {"cohort": 124, "full": 120, "censored": 4, "reoffended": 22, "not": 98}
    relations = [Relation("cohort", ("full", "censored")), Relation("full", ("reoffended", "not"))]

    exact = suppress(cells, relations, threshold=10)
    published = suppress(cells, relations, threshold=10, base=PUBLISHED_BASE)

    assert exact.any_hidden("cohort", "full")
    assert [name for name in cells if published.is_hidden(name)] == ["censored"]
    assert (published.display("cohort"), published.display("full")) == ("125", "120")
    assert pinned(cells, relations, 10, ["censored"]) == ["censored"]
    assert list(pinned_cells(cells, relations, 10, ["censored"], base=PUBLISHED_BASE)) == []


@settings(max_examples=200, deadline=None)
@given(st.one_of(tables(), chains()))
def test_no_hidden_cell_can_be_worked_out_from_rounded_counts(table):
    cells, relations, threshold = table
    result = suppress(cells, relations, threshold, base=PUBLISHED_BASE)
    hidden = hidden_cells(result, cells)

    inherent = set(pinned(cells, relations, threshold, list(cells)))
    given_away = set(pinned_cells(cells, relations, threshold, hidden, base=PUBLISHED_BASE)) - inherent
    assert given_away == set()
    for name, value in cells.items():
        if 0 < value < threshold:
            assert result.display(name) in (f"<{threshold}", "\N{EM DASH}")
        elif not result.is_hidden(name):
            assert result.value(name) == rounded(value, PUBLISHED_BASE)
            assert result.value(name) % PUBLISHED_BASE == 0


def test_small_cells_shown_as_dashes_tell_no_more_than_complements():
    """Found by the property test: a reader who took the dashes for "<5" would pin four cells
    (the five smallest parts would each be 1 under a shown total of 5); a dash says only hidden."""
    cells, relations = chain_table({"g0": (1, 1, 1), "g1": (1, 1, 0)})
    result = suppress(cells, relations, 5)
    hidden = hidden_cells(result, cells)
    marked = [name for name in hidden if result.display(name) == "<5"]
    reader = Reader(cells, relations, 5)

    assert [name for name in cells if not result.is_hidden(name)] == ["g1|censored", "total|cohort"]
    assert result.display("g0|reoffended") == "\N{EM DASH}"
    assert reader.given_away(hidden, marked) == []
    assert reader.given_away(hidden) == ["g0|cohort", "g0|censored", "g1|cohort", "total|censored"]
