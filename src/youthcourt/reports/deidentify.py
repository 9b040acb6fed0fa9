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
first counts every combination over the whole cohort (:class:`QuasiCounts`), :func:`plan` then
generalizes step by step (:data:`LADDER`: ages into bands, months into quarters, then years, rare
categories into "Other") until few rows stay in too-small combinations, and the second pass writes
the rows through the plan, leaving out those that still are.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import hmac
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from uuid import UUID

from youthcourt.reference.models import K_ANONYMITY

__all__ = ("K_ANONYMITY", "QUASI_IDENTIFIERS", "DatePrecision", "Generalization", "KAnonymityPlan", "plan")

PSEUDONYM_PREFIX = "pseudo-"
PSEUDONYM_LENGTH = 20
"""Hex characters of the HMAC kept in a pseudonym (80 bits: no collisions at any program's size)."""
CASE_PREFIX = "case-"
KEY_BYTES = 32

MAX_SUPPRESSED_SHARE = 0.02
"""Generalization goes on while more than this share of rows would have to be left out."""
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
"""The quasi-identifiers whose rare values can be grouped as "Other"."""

AGE_BANDS = ((0, 9, "9 and under"), (10, 12, "10 to 12"), (13, 14, "13 to 14"), (15, 17, "15 to 17"))
OLDEST_BAND = "18 and over"


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


Fine = tuple[str, int, str, str, str, str, str, datetime.date]
"""A row's quasi-identifiers as recorded, in :data:`QUASI_IDENTIFIERS` order (the referral date exact)."""
Coarse = tuple[str, ...]
"""A row's quasi-identifiers as its file shows them."""


@dataclass(frozen=True)
class Generalization:
    """How a month-only file shows the quasi-identifiers: the steps of :data:`LADDER` taken so far."""

    age_bands: bool = False
    dates: DatePrecision = DatePrecision.MONTH
    kept: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Per category column grouped, the values shown as they are; every other value shows as "Other"."""

    def age(self, age: int) -> int | str:
        return age_band(age) if self.age_bands else age

    def category(self, column: str, value: str) -> str:
        kept = self.kept.get(column)
        return value if kept is None or value in kept else OTHER

    def coarse(self, fine: Fine) -> Coarse:
        program, age, *categories, referred_on = fine
        shown = [self.category(column, value) for column, value in zip(CATEGORIES, categories, strict=True)]
        return (program, str(self.age(age)), *shown, self.dates.of(referred_on) or "")

    def steps(self) -> list[str]:
        """What was done, in words, for the file and the page."""
        done = []
        if self.age_bands:
            bands = "/".join(label for _, _, label in AGE_BANDS[1:])
            done.append(f"ages grouped in bands ({bands}; also 9 and under, 18 and over)")
        if self.dates is not DatePrecision.MONTH:
            done.append(f"every date given as its {self.dates.value} ({self.dates.pattern}), not its month")
        for column, kept in self.kept.items():
            done.append(f"rare values of {column} grouped as '{OTHER}' ({len(kept)} kept as they are)")
        return done


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


def _group_rare(generalization: Generalization, counts: QuasiCounts, k: int) -> Generalization:
    least = max(k, int(counts.rows * RARE_SHARE))
    kept = dict(generalization.kept)
    for column in CATEGORIES:
        held = counts.values(column)
        common = frozenset(value for value, count in held.items() if count >= least)
        if len(common) < len(held):
            kept[column] = common
    return replace(generalization, kept=kept)


LADDER: tuple[Callable[[Generalization, QuasiCounts, int], Generalization], ...] = (
    lambda g, _c, _k: replace(g, age_bands=True),
    lambda g, _c, _k: replace(g, dates=DatePrecision.QUARTER),
    lambda g, _c, _k: replace(g, dates=DatePrecision.YEAR),
    _group_rare,
)
"""The generalization steps, mildest first: each keeps what the earlier ones did."""


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


def plan(counts: QuasiCounts, k: int = K_ANONYMITY) -> KAnonymityPlan:
    """Generalize step by step until at most :data:`MAX_SUPPRESSED_SHARE` of the rows are alone."""
    generalization = Generalization()
    budget = counts.rows * MAX_SUPPRESSED_SHARE
    current = KAnonymityPlan(k, generalization, counts.coarse(generalization), counts.rows)
    for step in LADDER:
        if current.suppressed <= budget:
            break
        generalization = step(generalization, counts, k)
        current = KAnonymityPlan(k, generalization, counts.coarse(generalization), counts.rows)
    return current


def smallest_class(rows: Iterable[Coarse]) -> int:
    """The fewest rows any combination covers (0 for no rows): at least k in a month-only file."""
    counts = Counter(rows)
    return min(counts.values(), default=0)
