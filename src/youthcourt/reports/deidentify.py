"""What keeps a record-level export from naming anyone: pseudonyms per file, and k-anonymity.

**Pseudonyms.** Every export draws a fresh random key, and the youth and case ids in its file are
keyed hashes under it: two exports never share an id, so they cannot be joined row to row. An
evaluator who needs to join files (cases to their events, say) downloads them within one named
data release, whose stored key all its files share. The date shift is a different secret: one
offset per youth from the program's ``research_key``, the same in every file, so averaging many
shifted exports of one youth teaches nothing.

**k-anonymity.** A month-only export is meant for wider sharing, so every combination of its
quasi-identifiers (:data:`QUASI_IDENTIFIERS`: what someone outside could know of a youth) must
cover at least :data:`K_ANONYMITY` rows. Exports stream in batches, so this takes two passes: the
first counts every combination over the whole cohort (:class:`QuasiCounts`, one count per
combination); :func:`plan` then takes the least coarse generalization (ages in bands, the referral
month as a quarter or a year, rare categories as "Other", a column withheld) that leaves at most
:data:`MAX_SUPPRESSED_SHARE` of the rows in too-small combinations; the second pass writes the rows
through the plan, leaving out those that still are.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import hmac
import secrets
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import product
from typing import Any
from uuid import UUID

import pyarrow as pa
import pyarrow.compute as pc

from youthcourt.reference.models import K_ANONYMITY
from youthcourt.web.i18n import N_, gettext

PSEUDONYM_PREFIX = "pseudo-"
PSEUDONYM_LENGTH = 20
"""Hex characters of the HMAC kept in a pseudonym (80 bits: no collisions at any program's size)."""
CASE_PREFIX = "case-"
KEY_BYTES = 32

MAX_SUPPRESSED_SHARE = 0.02
"""The least generalization is sought that leaves at most this share of the rows alone (left out)."""
RARE_SHARE = 0.05
"""A category held by fewer than this share of the rows (or fewer than k) is grouped as "Other"."""
OTHER = "Other"

QUASI_IDENTIFIERS = (
    "program",
    "age_at_referral",
    "gender",
    "race_ethnicity",
    "offense_class",
    "offense_category",
    "referral_source_kind",
    "referred_on",
)
"""The columns of a case export that someone outside could know of a youth, in this order."""
CATEGORIES = ("gender", "race_ethnicity", "offense_class", "offense_category", "referral_source_kind")
CATEGORY_WORDS = {
    "gender": N_("gender"),
    "race_ethnicity": N_("race and ethnicity"),
    "offense_class": N_("offense class"),
    "offense_category": N_("offense category"),
    "referral_source_kind": N_("referral source"),
}
"""The categories in words, for what a plan says it did."""
"""The quasi-identifiers whose rare values can be grouped as "Other"."""

AGE_BANDS = ((0, 9, "9 and under"), (10, 12, "10 to 12"), (13, 14, "13 to 14"), (15, 17, "15 to 17"))
OLDEST_BAND = "18 and over"
WIDE_AGE_BANDS = ("14 and under", "15 and over")
WITHHELD = "Withheld"
"""A quasi-identifier left out of a month-only file altogether: every row shows this instead."""
WITHHOLDING_ORDER = ("offense_category", "race_ethnicity", "referral_source_kind", "gender", "offense_class")
"""Which category is given up first when several would do as well: the most detailed first."""


def new_key() -> bytes:
    """A fresh pseudonym key for one export, never stored."""
    return secrets.token_bytes(KEY_BYTES)


def pseudonym(key: bytes, youth_id: UUID) -> str:
    """The youth's id in one file (or one release): unlinkable to any other file without the key."""
    return (
        PSEUDONYM_PREFIX
        + hmac.digest(key, f"youth:{youth_id}".encode(), hashlib.sha256).hex()[:PSEUDONYM_LENGTH]
    )


def case_pseudonym(key: bytes, case_id: UUID) -> str:
    """The case's id in one file (or one release), so event rows find their case row in a release."""
    return CASE_PREFIX + hmac.digest(key, f"case:{case_id}".encode(), hashlib.sha256).hex()[:PSEUDONYM_LENGTH]


def age_band(age: int) -> str:
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return OLDEST_BAND


def age_labels(level: int) -> tuple[str, ...]:
    """The values an age column shows at a generalization level (1 and above)."""
    if level == 1:
        return (*(label for *_, label in AGE_BANDS), OLDEST_BAND)
    return WIDE_AGE_BANDS if level == 2 else (WITHHELD,)


class DatePrecision(enum.StrEnum):
    """How finely a month-only export gives its dates."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    def of(self, day: datetime.date | None) -> str | None:
        if day is None:
            return None
        if self is DatePrecision.MONTH:
            return day.strftime("%Y-%m")
        if self is DatePrecision.QUARTER:
            return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
        return str(day.year)

    @property
    def pattern(self) -> str:
        return {"month": "YYYY-MM", "quarter": "YYYY-Qn", "year": "YYYY"}[self.value]

    def period(self, day: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The first and last day of the month, quarter or year that ``day`` is given as."""
        if self is DatePrecision.MONTH:
            first_month, months = day.month, 1
        elif self is DatePrecision.QUARTER:
            first_month, months = 3 * ((day.month - 1) // 3) + 1, 3
        else:
            first_month, months = 1, 12
        following = first_month + months
        after = datetime.date(day.year + (following > 12), (following - 1) % 12 + 1, 1)
        return datetime.date(day.year, first_month, 1), after - datetime.timedelta(days=1)


@lru_cache(maxsize=4096)
def periods_of(day: datetime.date) -> tuple[tuple[datetime.date, datetime.date], ...]:
    """Every period a month-only file can give ``day`` as (its month, quarter and year).

    Kept for the days last asked: an export asks for each case's referral day's, and a program's
    cases share a few hundred days a year."""
    return tuple(precision.period(day) for precision in DatePrecision)


Fine = tuple[str, int, str, str, str, str, str, datetime.date]
"""A row's quasi-identifiers as recorded, in :data:`QUASI_IDENTIFIERS` order (the referral date exact)."""
Coarse = tuple[str, ...]
"""A row's quasi-identifiers as its file shows them."""


@dataclass(frozen=True)
class Generalization:
    """How a month-only file shows the quasi-identifiers: each one's level of detail.

    Ages: as they are (0), in bands (1), in two wide bands (2), or withheld (3). Dates: by
    month, quarter or year. Categories: as they are, with their rare values as "Other"
    (``kept`` names the values shown), or withheld.
    """

    age_level: int = 0
    dates: DatePrecision = DatePrecision.MONTH
    kept: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Per category column grouped, the values shown as they are; every other value shows as "Other"."""
    withheld: frozenset[str] = frozenset()

    @property
    def age_bands(self) -> bool:
        """The age is text (a band, or withheld), not a number."""
        return self.age_level > 0

    def age(self, age: int) -> int | str:
        if self.age_level == 0:
            return age
        if self.age_level == 1:
            return age_band(age)
        if self.age_level == 2:
            return WIDE_AGE_BANDS[age >= 15]
        return WITHHELD

    def category(self, column: str, value: str) -> str:
        if column in self.withheld:
            return WITHHELD
        kept = self.kept.get(column)
        return value if kept is None or value in kept else OTHER

    def coarse(self, fine: Fine) -> Coarse:
        program, age, *categories, referred_on = fine
        shown = [self.category(column, value) for column, value in zip(CATEGORIES, categories, strict=True)]
        return (program, str(self.age(age)), *shown, self.dates.of(referred_on) or "")

    def steps(self) -> list[str]:
        """What was done, in words, for the file and the page (in the active language: the file's
        and the audit trail's are written in English)."""
        done = []
        if self.age_level:
            done.append(
                gettext("ages withheld")
                if self.age_level == 3
                else gettext("ages grouped in bands (%(bands)s)", bands="/".join(age_labels(self.age_level)))
            )
        if self.dates is DatePrecision.QUARTER:
            done.append(
                gettext("the referral month given as its quarter (%(pattern)s)", pattern=self.dates.pattern)
            )
        elif self.dates is not DatePrecision.MONTH:
            done.append(
                gettext("the referral month given as its year (%(pattern)s)", pattern=self.dates.pattern)
            )
        for column, kept in self.kept.items():
            if column not in self.withheld:
                done.append(
                    gettext(
                        "rare values of %(column)s grouped as '%(other)s' (%(kept)s kept as they are)",
                        column=gettext(CATEGORY_WORDS[column]),
                        other=OTHER,
                        kept=len(kept),
                    )
                )
        done += [
            gettext("%(column)s withheld", column=gettext(CATEGORY_WORDS[column]))
            for column in CATEGORIES
            if column in self.withheld
        ]
        return done

    @property
    def height(self) -> int:
        """How many steps away from the file as recorded: the sum of every column's level."""
        dates = (DatePrecision.MONTH, DatePrecision.QUARTER, DatePrecision.YEAR).index(self.dates)
        return self.age_level + dates + len(self.kept) + 2 * len(self.withheld)


def generalizations(counts: QuasiCounts, k: int) -> Iterator[Generalization]:
    """Every way to show the quasi-identifiers, the least generalized first (by :attr:`Generalization.height`).

    A category's middle level (its rare values as "Other") is offered only where it changes something.
    """
    least = max(k, int(counts.rows * RARE_SHARE))
    levels: list[list[tuple[int, dict[str, frozenset[str]], frozenset[str]]]] = []
    for column in WITHHOLDING_ORDER:
        held = counts.values(column)
        common = frozenset(value for value, count in held.items() if count >= least)
        options = [(0, {}, frozenset())]
        if 0 < len(common) < len(held) - 1:
            options.append((1, {column: common}, frozenset()))
        options.append((2, {}, frozenset({column})))
        levels.append(options)
    nodes = []
    for age_level in range(4):
        for dates in range(3):
            for combination in product(*levels):
                kept: dict[str, frozenset[str]] = {}
                withheld: frozenset[str] = frozenset()
                for _, column_kept, column_withheld in combination:
                    kept |= column_kept
                    withheld |= column_withheld
                precision = (DatePrecision.MONTH, DatePrecision.QUARTER, DatePrecision.YEAR)[dates]
                nodes.append(Generalization(age_level, precision, kept, withheld))
    yield from sorted(nodes, key=lambda node: node.height)


@dataclass
class QuasiCounts:
    """The first pass: how many rows hold each combination of recorded quasi-identifiers."""

    counts: Counter[Fine] = field(default_factory=Counter)

    def add(self, fine: Fine) -> None:
        self.counts[fine] += 1

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def coarse(self, generalization: Generalization) -> Counter[Coarse]:
        coarse: Counter[Coarse] = Counter()
        for fine, count in self.counts.items():
            coarse[generalization.coarse(fine)] += count
        return coarse

    def values(self, column: str) -> Counter[str]:
        position = QUASI_IDENTIFIERS.index(column)
        held: Counter[str] = Counter()
        for fine, count in self.counts.items():
            held[str(fine[position])] += count
        return held


@dataclass(frozen=True)
class KAnonymityPlan:
    """The generalization a month-only file uses, and which combinations still fall short of k."""

    k: int
    generalization: Generalization
    coarse_counts: Mapping[Coarse, int]
    rows: int

    @property
    def suppressed(self) -> int:
        return sum(count for count in self.coarse_counts.values() if count < self.k)

    def keeps(self, coarse: Coarse) -> bool:
        """A row stays when its combination held at least k rows in the first pass.

        A combination the first pass never saw (a case added meanwhile) is left out too.
        """
        return self.coarse_counts.get(coarse, 0) >= self.k

    def summary(self) -> str:
        steps = self.generalization.steps() or ["no generalization needed"]
        left_out = f"{self.suppressed} row{'' if self.suppressed == 1 else 's'} left out"
        return (
            f"Every combination of {', '.join(QUASI_IDENTIFIERS)} covers at least {self.k} rows "
            f"(k = {self.k}): " + "; ".join(steps) + f"; {left_out} of {self.rows}."
        )


class _Lattice:
    """The first pass's combinations as integer codes, one array per column and level of detail.

    Trying a generalization then costs a few array operations and one group-by in Arrow rather
    than a pass in Python over every combination (a cohort of 100,000 cases holds nearly as many).
    """

    def __init__(self, counts: QuasiCounts, kept: Mapping[str, frozenset[str]]) -> None:
        combinations = list(counts.counts)
        self.weights = pa.array([counts.counts[fine] for fine in combinations], pa.int64())
        probe = Generalization(kept=kept)
        self.codes: dict[tuple[int, int], tuple[pa.Array, int]] = {}
        shown_by_level: list[list[Callable[[Any], Any]]] = [
            [lambda value: value],
            [lambda value: value, *(partial(_age_at, level) for level in (1, 2, 3))],
            *(
                [lambda value: value, partial(probe.category, column), lambda _value: WITHHELD]
                for column in CATEGORIES
            ),
            [partial(_period_at, precision) for precision in DatePrecision],
        ]
        for position, levels in enumerate(shown_by_level):
            for level, shown in enumerate(levels):
                codes: dict[Any, int] = {}
                array = [codes.setdefault(shown(fine[position]), len(codes)) for fine in combinations]
                self.codes[position, level] = (pa.array(array, pa.int64()), len(codes))

    def levels(self, generalization: Generalization) -> tuple[int, ...]:
        categories = (
            2 if column in generalization.withheld else int(column in generalization.kept)
            for column in CATEGORIES
        )
        dates = list(DatePrecision).index(generalization.dates)
        return (0, generalization.age_level, *categories, dates)

    def measure(self, generalization: Generalization, k: int) -> tuple[int, int]:
        """Rows left alone (in combinations of fewer than k rows) and the number of combinations."""
        key = None
        for position, level in enumerate(self.levels(generalization)):
            codes, size = self.codes[position, level]
            key = codes if key is None else pc.add(pc.multiply(key, size), codes)
        grouped = pa.table({"key": key, "rows": self.weights}).group_by("key").aggregate([("rows", "sum")])
        sizes = grouped.column("rows_sum")
        alone = pc.sum(pc.filter(sizes, pc.less(sizes, k))).as_py() or 0
        return alone, len(sizes)


def _age_at(level: int, age: int) -> int | str:
    return Generalization(age_level=level).age(age)


def _period_at(precision: DatePrecision, day: datetime.date) -> str | None:
    return precision.of(day)


def plan(counts: QuasiCounts, k: int = K_ANONYMITY) -> KAnonymityPlan:
    """The least generalization that leaves at most :data:`MAX_SUPPRESSED_SHARE` of the rows alone.

    Generalizations are tried from the least coarse (fewest steps from the file as recorded);
    among the first ones that do, the one leaving fewest rows out wins, then the one keeping the
    most distinct combinations (the most detail). Rows still alone are left out. Coarser always
    merges, never splits, so the first height that does is the least generalization there is.
    """
    if not counts.counts:
        return KAnonymityPlan(k, Generalization(), {}, 0)
    budget = counts.rows * MAX_SUPPRESSED_SHARE
    nodes = list(generalizations(counts, k))
    kept = {column: common for node in nodes for column, common in node.kept.items()}
    lattice = _Lattice(counts, kept)
    best: tuple[int, int, Generalization] | None = None
    for generalization in nodes:
        if best is not None and generalization.height > best[2].height:
            break
        alone, combinations = lattice.measure(generalization, k)
        if alone <= budget and (best is None or (alone, -combinations) < (best[0], -best[1])):
            best = (alone, combinations, generalization)
    # With every column withheld some rows may still be alone (a tiny cohort): the coarsest, then.
    chosen = best[2] if best is not None else nodes[-1]
    return KAnonymityPlan(k, chosen, counts.coarse(chosen), counts.rows)
