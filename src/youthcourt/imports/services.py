"""Staging an upload, remembering its mapping, and importing it: every row or none.

The import checks the staged rows again inside its transaction, claims the staged import with
one conditional update (so of two requests only one goes on: a double-click, two tabs or two
servers), then writes every record in batches. Any problem leaves the database as it was. The
rows kept while staged are emptied by the import or a discard: the file itself is never kept.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import (
    Case,
    CaseEvent,
    CheckResult,
    EventKind,
    FollowUpCheck,
    ImportKind,
    ImportStatus,
    RecordImport,
)
from youthcourt.cases.services import FOLLOWED_UP, CaseService, follow_up_end
from youthcourt.clock import utc_now
from youthcourt.database import insert_missing
from youthcourt.hearings.models import Courtroom, Hearing, HearingKind, HearingNight, HearingOutcome
from youthcourt.imports.checking import Preview, check_import
from youthcourt.imports.columns import fold, guess_mapping, remembered_form
from youthcourt.imports.models import ImportMapping
from youthcourt.imports.reading import Sheet
from youthcourt.jurors.models import (
    Juror,
    JurorSource,
    JurorStatus,
    Qualification,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.outcomes.models import OutcomeEvent
from youthcourt.reference import services as reference
from youthcourt.referrals.models import Referral, ReferralStatus, Youth
from youthcourt.sanctions.models import Disposition

IMPORTED_NIGHT = "Imported records"
"""Where the hearings an import brings are held: one night per date, marked as the import's."""
IMPORTED_TRAINING = "Training (imported)"
ROLE_REASON = "Imported from the program's roster: the progression rules were not checked."
DECISION_REASON = "Imported from the program's earlier records."


class AlreadyDone(Exception):
    """The import was imported or discarded already (a second click, another tab)."""


@dataclass(frozen=True)
class Imported:
    count: int


# Staging and mapping --------------------------------------------------------------------------------


async def remembered_mapping(db: AsyncSession, kind: ImportKind) -> ImportMapping | None:
    return await db.scalar(select(ImportMapping).where(ImportMapping.kind == kind))


async def stage(
    db: AsyncSession, actor: Actor, kind: ImportKind, file_name: str, sheet: Sheet
) -> RecordImport:
    """Keep the file's rows while the admin maps and previews them, with the mapping guessed or remembered."""
    viewer = actor.viewer
    assert viewer is not None and viewer.program_id is not None
    remembered = await remembered_mapping(db, kind)
    record = RecordImport(
        id=uuid4(),
        program_id=viewer.program_id,
        kind=kind,
        status=ImportStatus.STAGED,
        file_name=file_name,
        headers=sheet.headers,
        mapping=guess_mapping(kind, sheet.headers, remembered.mapping if remembered else None),
        staged_rows=sheet.rows,
        row_count=len(sheet.rows),
        uploaded_by_id=viewer.user_id,
    )
    db.add(record)
    audit.record(
        db,
        actor,
        "import_uploaded",
        record_type="record_import",
        record_id=record.id,
        details={"kind": kind.value, "file_name": file_name, "rows": len(sheet.rows)},
    )
    await db.flush()
    return record


async def save_mapping(db: AsyncSession, actor: Actor, record: RecordImport, mapping: dict[str, str]) -> None:
    """Use ``mapping`` for this file, and remember it for the program's next file of the kind."""
    viewer = actor.viewer
    assert viewer is not None
    record.mapping = mapping
    remembered = remembered_form(mapping)
    row = {"id": uuid4(), "program_id": record.program_id, "kind": record.kind, "mapping": {}}
    now = utc_now()
    await insert_missing(
        db, ImportMapping, [{**row, "created_at": now, "updated_at": now}], ["program_id", "kind"]
    )
    await db.execute(
        update(ImportMapping)
        .where(ImportMapping.kind == record.kind)
        .values(mapping=remembered, saved_by_id=viewer.user_id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        db,
        actor,
        "import_mapping_saved",
        record_type="record_import",
        record_id=record.id,
        details={"kind": record.kind.value, "columns": sorted(key for key in mapping.values() if key)},
    )


async def forget_mapping(db: AsyncSession, actor: Actor, mapping: ImportMapping) -> None:
    await db.delete(mapping)
    audit.record(
        db,
        actor,
        "import_mapping_forgotten",
        record_type="import_mapping",
        record_id=mapping.id,
        details={"kind": mapping.kind.value},
    )


async def discard(db: AsyncSession, actor: Actor, record: RecordImport) -> None:
    """Give up a staged import: its rows are deleted, the upload stays listed as discarded."""
    if not await _claim(db, record, ImportStatus.DISCARDED, {}):
        raise AlreadyDone
    audit.record(
        db,
        actor,
        "import_discarded",
        record_type="record_import",
        record_id=record.id,
        details={"kind": record.kind.value, "file_name": record.file_name, "rows": record.row_count},
    )


ABANDONED_AFTER = datetime.timedelta(days=7)
"""How long an upload waits, mapped or previewed but neither imported nor discarded, before the
daily housekeeping discards it: its staged rows hold youth names and birth dates."""


async def discard_abandoned(db: AsyncSession, now: datetime.datetime) -> int:
    """Discard the uploads left staged for longer than :data:`ABANDONED_AFTER`, emptying their rows."""
    result = await db.execute(
        update(RecordImport)
        .where(RecordImport.status == ImportStatus.STAGED, RecordImport.updated_at <= now - ABANDONED_AFTER)
        .values(status=ImportStatus.DISCARDED, staged_rows=[], updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def _claim(
    db: AsyncSession, record: RecordImport, status: ImportStatus, values: dict[str, Any]
) -> bool:
    """Move the import out of ``staged``, emptying its rows: one conditional update, which only one
    request can make (another waits for it, then finds the import no longer staged)."""
    claimed = (
        await db.execute(
            update(RecordImport)
            .where(RecordImport.id == record.id, RecordImport.status == ImportStatus.STAGED)
            .values(status=status, staged_rows=[], updated_at=utc_now(), **values)
            .returning(RecordImport.id)
            .execution_options(synchronize_session=False)
        )
    ).scalar_one_or_none()
    if claimed is not None:
        await db.refresh(record)
    return claimed is not None


# Importing ------------------------------------------------------------------------------------------


async def run(
    db: AsyncSession, actor: Actor, record: RecordImport, today: datetime.date
) -> Preview | Imported:
    """Import every row, or none: the preview with its problems when any row has one."""
    if record.status is not ImportStatus.STAGED:
        raise AlreadyDone
    preview = await check_import(db, record, today)
    if not preview.is_clean:
        return preview
    viewer = actor.viewer
    assert viewer is not None
    if not await _claim(
        db,
        record,
        ImportStatus.IMPORTED,
        {"imported_count": len(preview.good), "imported_at": utc_now(), "imported_by_id": viewer.user_id},
    ):
        raise AlreadyDone
    if record.kind is ImportKind.CASES:
        details = await _write_cases(db, actor, record, preview.good, today)
    else:
        details = await _write_jurors(db, record, preview.good)
    audit.record(
        db,
        actor,
        "import_imported",
        record_type="record_import",
        record_id=record.id,
        details={
            "kind": record.kind.value,
            "file_name": record.file_name,
            "rows": len(preview.good),
            **details,
        },
    )
    await db.flush()
    return Imported(len(preview.good))


INSERT_ORDER = (
    Youth,
    Referral,
    Case,
    CaseEvent,
    HearingNight,
    Courtroom,
    Hearing,
    Disposition,
    FollowUpCheck,
    OutcomeEvent,
    Juror,
    Qualification,
    TrainingSession,
    TrainingAttendance,
)
"""Tables in the order their rows can go in: each row's foreign keys point to rows already there."""


async def add_in_order(db: AsyncSession, records: list[Any]) -> None:
    """Insert ``records`` table by table in :data:`INSERT_ORDER`, each table's rows in one batch.

    The rows are linked by id only (no relationships loaded), so the session cannot order them itself.
    """
    by_model: dict[type, list[Any]] = defaultdict(list)
    for item in records:
        by_model[type(item)].append(item)
    assert set(by_model) <= set(INSERT_ORDER), set(by_model) - set(INSERT_ORDER)
    for model in INSERT_ORDER:
        if by_model.get(model):
            db.add_all(by_model[model])
            await db.flush()


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


async def _write_cases(
    db: AsyncSession, actor: Actor, record: RecordImport, rows: list[Any], today: datetime.date
) -> dict[str, Any]:
    viewer = actor.viewer
    assert viewer is not None
    program_id = record.program_id
    rows = sorted(rows, key=lambda row: row.received_on)
    numbers = await _numbers(db, program_id, rows)
    windows = (await reference.policy(db, program_id)).follow_up_windows
    writer = _CaseWriter(program_id, record, today, windows, actor)
    for row, number in zip(rows, numbers, strict=True):
        writer.add(row, number)
    writer.add_nights()
    await add_in_order(db, writer.records)
    return {"cases": len(rows), "first_number": min(numbers), "last_number": max(numbers)}


async def _numbers(db: AsyncSession, program_id: UUID, rows: list[Any]) -> list[str]:
    """Case numbers in the year of each referral, in the order of the referrals, a statement per year."""
    by_year: dict[int, int] = defaultdict(int)
    for row in rows:
        by_year[row.received_on.year] += 1
    service = CaseService(session=db)
    reserved = {
        year: iter(await service.reserve_numbers(program_id, year, count)) for year, count in by_year.items()
    }
    return [next(reserved[row.received_on.year]) for row in rows]


class _CaseWriter:
    """The records of one imported case file, built in memory and added in one go."""

    def __init__(
        self, program_id: UUID, record: RecordImport, today: datetime.date, windows: list[int], actor: Actor
    ) -> None:
        self.program_id = program_id
        self.record = record
        self.today = today
        self.windows = windows
        self.actor = actor
        self.records: list[Any] = []
        self.youth: dict[tuple[str, str, datetime.date], UUID] = {}
        self.heard: dict[datetime.date, list[Hearing]] = defaultdict(list)

    def _new(self, model: type, **values: Any) -> Any:
        item = model(id=uuid4(), program_id=self.program_id, **values)
        self.records.append(item)
        return item

    def add(self, row: Any, number: str) -> None:
        youth_id = self._youth(row)
        referral = self._new(
            Referral,
            youth_id=youth_id,
            source_id=row.source.id,
            source_reference=row.source_reference,
            received_on=row.received_on,
            incident_date=row.incident_on or row.received_on,
            offense_id=row.offense.id,
            status=ReferralStatus.ACCEPTED,
            decision_reason=DECISION_REASON,
            decided_at=_noon(row.received_on),
            decided_by_id=None,
        )
        case = self._new(
            Case,
            number=number,
            referral_id=referral.id,
            youth_id=youth_id,
            state=row.closure,
            state_changed_at=_noon(row.closed_on),
            opened_on=row.received_on,
            intake_on=row.intake_on,
            closed_on=row.closed_on,
            import_id=self.record.id,
        )
        viewer = self.actor.viewer
        self._new(
            CaseEvent,
            case_id=case.id,
            kind=EventKind.TRANSITION,
            to_state=row.closure.value,
            summary=f"Imported from {self.record.file_name}: {row.closure.label.lower()}, closed {row.closed_on}.",
            actor_id=viewer.user_id if viewer else None,
            actor_name=viewer.full_name if viewer else "Youthcourt",
        )
        hearing = self._hearing(case, row)
        if row.decided_on:
            self._new(
                Disposition,
                case_id=case.id,
                hearing_id=hearing.id if hearing else None,
                decided_on=row.decided_on,
                notes=row.disposition,
            )
        self._follow_up(case, row)

    def _youth(self, row: Any) -> UUID:
        key = (fold(row.first_name), fold(row.last_name), row.date_of_birth)
        if key not in self.youth:
            youth = self._new(
                Youth,
                first_name=row.first_name,
                last_name=row.last_name,
                date_of_birth=row.date_of_birth,
                gender=row.gender,
                race_ethnicity=row.race_ethnicity or "",
            )
            self.youth[key] = youth.id
        return self.youth[key]

    def _hearing(self, case: Case, row: Any) -> Hearing | None:
        if not row.hearing_on:
            return None
        hearing = Hearing(
            id=uuid4(),
            program_id=self.program_id,
            case_id=case.id,
            kind=HearingKind.INITIAL,
            outcome=HearingOutcome.HELD,
            position=len(self.heard[row.hearing_on]) + 1,
        )
        self.heard[row.hearing_on].append(hearing)
        return hearing

    def add_nights(self) -> None:
        """One night per hearing date, in a courtroom named for the import, holding that day's hearings."""
        for held_on, hearings in sorted(self.heard.items()):
            night = self._new(
                HearingNight,
                held_on=held_on,
                starts_at=datetime.time(0),
                ends_at=datetime.time(0),
                location=IMPORTED_NIGHT,
                notes=f"Made by the import of {self.record.file_name}: the hearings held that day, as its records give them.",
            )
            room = self._new(Courtroom, night_id=night.id, name="Imported", capacity=len(hearings))
            for hearing in hearings:
                hearing.courtroom_id = room.id
            self.records.extend(hearings)

    def _follow_up(self, case: Case, row: Any) -> None:
        """The checks the file gives, then the program's later windows: for a case whose follow-up
        the file records, every window after its last check (those already past show as due now,
        so the worklist carries on where the old records stopped); for one without, those still to
        come."""
        checks = []
        for day, months in zip(row.check_dates, row.check_months(), strict=True):
            found = row.check_result is CheckResult.NEW_OFFENSE and row.new_offense_on <= day
            checks.append(
                self._new(
                    FollowUpCheck,
                    case_id=case.id,
                    window_months=months,
                    due_on=follow_up_end(row.closed_on, months),
                    completed_on=day,
                    records_searched=",".join(system.value for system in row.records_searched),
                    result=CheckResult.NEW_OFFENSE if found else CheckResult.NO_NEW_OFFENSE,
                )
            )
        if row.closure in FOLLOWED_UP:
            taken = set(row.check_months())
            for months in sorted(set(self.windows) - taken):
                due = follow_up_end(row.closed_on, months)
                if (due > row.check_dates[-1]) if row.check_dates else (due > self.today):
                    self._new(FollowUpCheck, case_id=case.id, window_months=months, due_on=due)
        if row.check_result is CheckResult.NEW_OFFENSE:
            finder = next((check for check in checks if check.completed_on >= row.new_offense_on), None)
            self._new(
                OutcomeEvent,
                case_id=case.id,
                check_id=finder.id if finder else None,
                occurred_on=row.new_offense_on,
                event_type=row.new_offense_type,
                offense_category=row.new_offense_category,
                source=row.new_offense_found_in,
            )


async def _write_jurors(db: AsyncSession, record: RecordImport, rows: list[Any]) -> dict[str, Any]:
    program_id = record.program_id
    records: list[Any] = []
    sessions: dict[tuple[datetime.date, Decimal], TrainingSession] = {}
    for row in rows:
        juror = Juror(
            id=uuid4(),
            program_id=program_id,
            import_id=record.id,
            source=row.source or JurorSource.VOLUNTEER,
            status=row.status or (JurorStatus.ACTIVE if row.oath_on else JurorStatus.APPLICANT),
            youth_id=getattr(row, "youth_id", None),
            first_name=row.first_name,
            last_name=row.last_name,
            date_of_birth=row.date_of_birth,
            school=row.school,
            grade=row.grade,
            email=row.email,
            phone=row.phone,
            guardian_name=row.guardian_name,
            guardian_email=row.guardian_email,
            parent_consent_on=row.parent_consent_on,
            oath_signed_on=row.oath_on,
        )
        records.append(juror)
        for role in row.roles:
            records.append(
                Qualification(
                    id=uuid4(),
                    program_id=program_id,
                    juror_id=juror.id,
                    role=role,
                    earned_on=row.roles_earned_on or row.oath_on,
                    override_reason=ROLE_REASON,
                )
            )
        for day, hours in row.training:
            session = sessions.get((day, hours))
            if session is None:
                session = TrainingSession(
                    id=uuid4(), program_id=program_id, held_on=day, title=IMPORTED_TRAINING, hours=hours
                )
                sessions[(day, hours)] = session
                records.append(session)
            records.append(
                TrainingAttendance(
                    id=uuid4(), program_id=program_id, session_id=session.id, juror_id=juror.id
                )
            )
    await add_in_order(db, records)
    return {"jurors": len(rows), "training_sessions": len(sessions)}
