"""The survey report: counts by answer and the share agreeing, by survey and period, small cells hidden.

Each statement of each question version is a small table (five answers and their total) put
through the reports' small-cell rules (:mod:`youthcourt.reports.suppression`): counts rounded to
a multiple of five, counts below the program's threshold hidden, and complementary cells hidden
so no hidden count can be worked back from the total. The share agreeing is computed from the
published (rounded) counts, so it tells nothing they do not. With fewer answers than the
threshold in all, no figure is shown, and the page says so.

The free text is listed for coordinators only: evaluators never see it, and no export holds it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.jurors.records import format_rate
from youthcourt.reports.measures import Period, quarter_containing
from youthcourt.reports.suppression import PUBLISHED_BASE, Relation, Suppressed, published_count, suppress
from youthcourt.surveys.forms import AGREE_SCALE
from youthcourt.surveys.models import SurveyAnswer, SurveyItem, SurveyKind, SurveyVersion
from youthcourt.surveys.questions import AGREEING
from youthcourt.web.i18n import _
from youthcourt.web.pagination import Page, paginate

ANSWERS = tuple(AGREE_SCALE)
TOTAL = "total"
RELATIONS = [Relation(TOTAL, ANSWERS)]


def period_of(year: int, quarter: int | None) -> Period:
    if quarter is None:
        return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year))
    return quarter_containing(datetime.date(year, 3 * quarter - 2, 1))


def _in_period(period: Period) -> Any:
    return SurveyAnswer.answered_month.between(period.start.replace(day=1), period.end)


@dataclass(frozen=True)
class StatementRow:
    statement: str
    table: Suppressed

    def cell(self, value: str) -> str:
        return self.table.display(value)

    @property
    def share_agreeing(self) -> str:
        agree = [str(value) for value in AGREEING]
        if self.table.any_hidden(TOTAL, *agree):
            return _("withheld")
        total = self.table.value(TOTAL) or 0
        if not total:
            return "—"
        return format_rate(sum(self.table.value(v) or 0 for v in agree) / total)


@dataclass(frozen=True)
class VersionBlock:
    version: SurveyVersion
    answers: int
    rows: list[StatementRow]


@dataclass(frozen=True)
class SurveyReport:
    kind: SurveyKind
    period: Period
    threshold: int
    answers: int
    blocks: list[VersionBlock]

    @property
    def suppressed(self) -> bool:
        return 0 < self.answers < self.threshold

    @property
    def answers_text(self) -> str:
        return published_count(self.answers, self.threshold, PUBLISHED_BASE)


async def build(db: AsyncSession, kind: SurveyKind, period: Period, threshold: int) -> SurveyReport:
    """The report of one survey for one period: three queries whatever the number of answers."""
    counts = await db.execute(
        select(SurveyAnswer.version_id, SurveyItem.position, SurveyItem.value, func.count())
        .join(SurveyItem, SurveyItem.answer_id == SurveyAnswer.id)
        .where(SurveyAnswer.kind == kind, _in_period(period))
        .group_by(SurveyAnswer.version_id, SurveyItem.position, SurveyItem.value)
    )
    cells: dict[tuple[UUID, int], dict[str, int]] = {}
    for version_id, position, value, count in counts.all():
        cells.setdefault((version_id, position), {}).setdefault(str(value), int(count))
    per_version = dict(
        (
            await db.execute(
                select(SurveyAnswer.version_id, func.count())
                .where(SurveyAnswer.kind == kind, _in_period(period))
                .group_by(SurveyAnswer.version_id)
            )
        ).all()
    )
    versions = (
        await db.scalars(
            select(SurveyVersion)
            .where(SurveyVersion.id.in_(list(per_version)))
            .order_by(SurveyVersion.number)
        )
    ).all()
    blocks = []
    for version in versions:
        rows = []
        for position, statement in enumerate(version.statements):
            counted = {value: cells.get((version.id, position), {}).get(value, 0) for value in ANSWERS}
            counted[TOTAL] = sum(counted.values())
            rows.append(StatementRow(statement, suppress(counted, RELATIONS, threshold, base=PUBLISHED_BASE)))
        blocks.append(VersionBlock(version, int(per_version[version.id]), rows))
    return SurveyReport(kind, period, threshold, sum(int(n) for n in per_version.values()), blocks)


def comments_query(kind: SurveyKind, period: Period) -> Select[Any]:
    """The period's comments in the order of their words: neither a month nor the order they came
    in ties one to the family a coordinator offered the survey to that week."""
    return (
        select(SurveyAnswer.comment)
        .where(SurveyAnswer.kind == kind, _in_period(period), SurveyAnswer.comment != "")
        .order_by(SurveyAnswer.comment, SurveyAnswer.id)
    )


async def comments(db: AsyncSession, kind: SurveyKind, period: Period, number: int) -> Page[Any]:
    """The free-text answers of the period, a page at a time: for coordinators only, and only for a
    period with at least the threshold's number of answers (see :attr:`SurveyReport.suppressed`)."""
    return await paginate(db, comments_query(kind, period), number)
