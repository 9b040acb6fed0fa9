"""k-anonymity planning and per-file pseudonyms, without a database."""

from __future__ import annotations

import datetime
import random
import uuid
from collections import Counter

from youthcourt.reports import deidentify
from youthcourt.reports.deidentify import (
    OTHER,
    WITHHELD,
    DatePrecision,
    Generalization,
    QuasiCounts,
    plan,
)

K = deidentify.K_ANONYMITY


def fine(age=14, gender="female", race="White", cls="A", category="theft", source="police", day=(2025, 3, 9)):
    return ("Court", age, gender, race, cls, category, source, datetime.date(*day))


def test_rows_already_k_anonymous_keep_every_detail():
    counts = QuasiCounts()
    for _ in range(K):
        counts.add(fine())
    result = plan(counts)
    assert result.generalization == Generalization()
    assert result.suppressed == 0
    assert result.summary().endswith("no generalization needed; 0 rows left out of 5.")


def test_the_least_coarse_generalization_that_leaves_few_rows_alone_is_chosen():
    counts = QuasiCounts()
    for age in (12, 13, 14):  # three ages in two bands: 10 to 12 alone, 13 to 14 together
        for day in (1, 10, 20):
            counts.add(fine(age=age, day=(2025, 3, day)))
    for age in (12, 12, 13, 14, 14, 13):
        counts.add(fine(age=age, day=(2025, 5, 3)))
    result = plan(counts)
    # Two steps each: ages in two wide bands, or the month as its year, leave no row alone; the
    # year keeps three combinations (one per age) against two, so it is chosen.
    assert result.generalization == Generalization(dates=DatePrecision.YEAR)
    assert result.suppressed == 0
    assert sorted(result.coarse_counts.values()) == [5, 5, 5]


def test_rare_categories_become_other_and_columns_can_be_withheld():
    generalization = Generalization(
        kept={"race_ethnicity": frozenset({"White"})}, withheld=frozenset({"gender"})
    )
    assert generalization.category("race_ethnicity", "Asian") == OTHER
    assert generalization.category("race_ethnicity", "White") == "White"
    assert generalization.category("gender", "female") == WITHHELD
    assert generalization.coarse(fine())[2] == WITHHELD
    assert "gender withheld" in generalization.steps()


def test_every_combination_of_a_planned_file_holds_k_rows_on_random_cohorts():
    rng = random.Random(7)
    for size in (40, 300, 1000):
        counts = QuasiCounts()
        for _ in range(size):
            counts.add(
                fine(
                    age=rng.randint(11, 17),
                    gender=rng.choice(["female", "male", "nonbinary"]),
                    race=rng.choice(["White", "Black", "Asian", "Hispanic", "Two or more"]),
                    cls=rng.choice("ABCD"),
                    category=rng.choice(["theft", "assault", "drugs", "trespass"]),
                    source=rng.choice(["police", "school", "court"]),
                    day=(rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28)),
                )
            )
        result = plan(counts)
        kept = Counter(
            {key: n for key, n in counts.coarse(result.generalization).items() if result.keeps(key)}
        )
        assert min(kept.values()) >= K
        assert sum(kept.values()) + result.suppressed == size
        assert result.suppressed <= size * deidentify.MAX_SUPPRESSED_SHARE or result.generalization.withheld


def test_periods_and_pseudonyms():
    day = datetime.date(2025, 11, 30)
    assert (DatePrecision.MONTH.of(day), DatePrecision.QUARTER.of(day), DatePrecision.YEAR.of(day)) == (
        "2025-11",
        "2025-Q4",
        "2025",
    )
    youth = uuid.uuid4()
    key = deidentify.new_key()
    assert deidentify.pseudonym(key, youth) == deidentify.pseudonym(key, youth)
    assert deidentify.pseudonym(key, youth) != deidentify.pseudonym(deidentify.new_key(), youth)
    assert deidentify.case_pseudonym(key, youth).startswith("case-")
