"""The analysis file of a recidivism report: one row per youth of its cohort, to recompute every figure.

Per group, ``KaplanMeierFitter().fit(time_days, event)`` (lifelines) gives the report's curve,
its bands and the headline (one minus the curve at the window's end); the sums of ``event`` and
``followed_full_window`` give the table's counts, rates and Wilson intervals; the log-rank test
on the groups gives the report's test. Times are counted on the true dates, so no shift moves
anyone across the window's edge, and the file holds no date at all.

Pseudonyms are drawn afresh for every file from a random key that is never kept: two files
cannot be linked through them, nor to an export. Rows come in pseudonym order, which says
nothing about the youth.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, fields
from operator import attrgetter
from uuid import UUID

import pyarrow as pa
import pyarrow.parquet as pq

from youthcourt.reports.cohort import Subject, age_band, window_end
from youthcourt.reports.recidivism import (
    CENSORED,
    REOFFENDED,
    ComparisonSubject,
    ReportOptions,
    comparison_label,
    placed,
    youth_outcome,
)
from youthcourt.web.i18n import N_

PSEUDONYM_LENGTH = 16
NOT_KNOWN = ""
"""A covariate the youth's record does not carry (comparison youth have none)."""


@dataclass(frozen=True, slots=True)
class AnalysisRow:
    """One youth whose clock started, as the report counted them."""

    pseudo_id: str
    group: str
    """The report's group label ("All youth" without a grouping)."""
    time_days: int
    """Days from the anchor to the first counted event, or to the end of follow-up (at most the window)."""
    event: int
    """1 when a counted event fell inside the window, else 0."""
    followed_full_window: bool
    """Reoffended, or followed to the window's end: the youth is in the rate's denominator."""
    completion: str
    offense_class: str
    source_kind: str
    age_band: str
    gender: str
    race_ethnicity: str
    served_as_juror: str
    age_years: str
    """The covariates the effects report's models adjust for, "" when the record lacks them."""
    prior_police_contacts: str
    prior_diversions: str
    prior_adjudications: str
    study_arm: str


COLUMN_NAMES = tuple(field.name for field in fields(AnalysisRow))

DICTIONARY = (
    (
        "pseudo_id",
        N_("text"),
        N_("The row's pseudonym: 16 hexadecimal characters, drawn afresh for every file."),
    ),
    (
        "group",
        N_("text"),
        N_(
            'The report\'s group the youth is counted in ("All youth" without a grouping); with a landmark, the group as known on the landmark day. Youth with a new offense by that day, or not followed to it, are not in the file.'
        ),
    ),
    (
        "time_days",
        N_("integer"),
        N_(
            "Days from the start of the clock (the anchor, or the landmark day when the report has one) to the first counted new offense when it fell inside the window; else to the end of the window for youth followed that far; else to the latest check that searched records (0 when none did)."
        ),
    ),
    ("event", N_("integer"), N_("1 when a counted new offense fell inside the window, else 0.")),
    (
        "followed_full_window",
        N_("boolean"),
        N_(
            "true when the outcome over the whole window is known (a new offense inside it, or records searched to its end): the youth is in the rate's denominator. false: censored."
        ),
    ),
    (
        "completion",
        N_("text"),
        N_("Completion status of the case (Completed, Unsuccessful, Withdrawn or Open)."),
    ),
    ("offense_class", N_("text"), N_("Class of the referral offense.")),
    ("source_kind", N_("text"), N_("Kind of agency that referred the youth.")),
    (
        "age_band",
        N_("text"),
        N_("Age at referral, in bands (12 and under, 13 to 14, 15 to 16, 17 and over)."),
    ),
    ("gender", N_("text"), N_("Gender as recorded, or Not recorded.")),
    ("race_ethnicity", N_("text"), N_("Race and ethnicity as recorded, or Not recorded.")),
    ("served_as_juror", N_("text"), N_("yes when the youth served on a jury after the referral, else no.")),
    ("age_years", N_("text"), N_("Age at referral in whole years: the effects report's age covariate.")),
    (
        "prior_police_contacts",
        N_("text"),
        N_("Earlier police contacts as recorded at referral; empty when not known."),
    ),
    ("prior_diversions", N_("text"), N_("Earlier diversions as recorded at referral; empty when not known.")),
    (
        "prior_adjudications",
        N_("text"),
        N_("Earlier adjudications as recorded at referral; empty when not known."),
    ),
    (
        "study_arm",
        N_("text"),
        N_(
            "The study arm the referral was assigned to (youth_court, comparison, other); empty when not in a study. A study's declined and returned referrals are in the file only when grouped by study arm (intent to treat), with completion Declined or returned."
        ),
    ),
)
"""Each column of the file: its name, type and meaning (the last two marked for the catalog,
translated where shown; the file's own metadata stays English). Comparison youth carry only the covariates
their import holds (empty otherwise)."""


def analysis_rows(
    subjects: Sequence[Subject],
    comparisons: Sequence[ComparisonSubject],
    options: ReportOptions,
    nights: Mapping[UUID, Sequence[datetime.date]] | None = None,
) -> list[AnalysisRow]:
    """The report's youth, each with the outcome :func:`youth_outcome` gives the report's tallies.

    Each youth is placed as the report places them (:func:`placed`): with a landmark, in their
    group as known on the landmark day, their time counted from it. ``nights`` are the youth's
    jury-service nights, which a landmark on jury service reads.
    """
    key = secrets.token_bytes(32)
    rows = []
    nights = nights or {}
    for subject in subjects:
        place = placed(subject, options, nights.get(subject.youth_id, ()))
        if isinstance(place, str):
            continue
        start, label = place
        outcome, days = _outcome(start, subject.events, subject.checked_until, options)
        rows.append(
            AnalysisRow(
                _pseudonym(key, subject.case_id.bytes),
                label,
                days,
                int(outcome == REOFFENDED),
                outcome != CENSORED,
                subject.completion,
                subject.offense_class,
                subject.source_kind,
                subject.age_band,
                subject.gender,
                subject.race_ethnicity,
                "yes" if subject.served_as_juror else "no",
                str(subject.age),
                *(_known(count) for count in subject.prior),
                subject.study_arm,
            )
        )
    for number, other in enumerate(comparisons):
        outcome, days = _outcome(other.anchor_on, other.events, other.followed_until, options)
        rows.append(
            AnalysisRow(
                _pseudonym(key, f"comparison-{number}".encode()),
                comparison_label(other),
                days,
                int(outcome == REOFFENDED),
                outcome != CENSORED,
                NOT_KNOWN,
                other.offense_class,
                NOT_KNOWN,
                age_band(other.age) if other.age is not None else NOT_KNOWN,
                other.gender,
                other.race_ethnicity,
                NOT_KNOWN,
                _known(other.age),
                *(_known(count) for count in other.prior),
                NOT_KNOWN,
            )
        )
    return sorted(rows, key=attrgetter("pseudo_id"))


def _known(value: int | None) -> str:
    return NOT_KNOWN if value is None else str(value)


def _outcome(
    anchor_on: datetime.date,
    events: Sequence[tuple],
    known_until: datetime.date | None,
    options: ReportOptions,
) -> tuple[int, int]:
    end = window_end(anchor_on, options.window_months)
    return youth_outcome(anchor_on, events, known_until, options.event_types, end)


def _pseudonym(key: bytes, identity: bytes) -> str:
    return hmac.new(key, identity, hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def as_csv_rows(rows: Sequence[AnalysisRow]) -> list[list[str]]:
    """The header, then each youth; booleans as true/false."""
    return [
        list(COLUMN_NAMES),
        *(
            [str(value).lower() if isinstance(value, bool) else str(value) for value in astuple(row)]
            for row in rows
        ),
    ]


def as_parquet(rows: Sequence[AnalysisRow], about: dict[str, str]) -> bytes:
    """The rows as a typed Parquet file, with what the report counted in its metadata."""
    columns = list(zip(*(astuple(row) for row in rows), strict=True)) if rows else [()] * len(COLUMN_NAMES)
    types = {"time_days": pa.int32(), "event": pa.int8(), "followed_full_window": pa.bool_()}
    table = pa.table(
        {
            name: pa.array(list(values), type=types.get(name, pa.string()))
            for name, values in zip(COLUMN_NAMES, columns, strict=True)
        }
    ).replace_schema_metadata(
        {
            **{key.encode(): value.encode() for key, value in about.items()},
            **{f"column:{name}".encode(): meaning.encode() for name, _, meaning in DICTIONARY},
        }
    )
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()
