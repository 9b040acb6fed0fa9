"""Pages of the sanctions area: recording a disposition, monitoring sanctions, progress and extensions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from youthcourt.audit import service as audit
from youthcourt.cases.models import Case, CaseState, EventKind
from youthcourt.cases.services import CaseService, case_or_404
from youthcourt.cases.states import TransitionError
from youthcourt.hearings.models import Courtroom, Hearing, HearingOutcome
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.models import FactorKind, OffenseClass, SanctionRule, SanctionType
from youthcourt.reference.services import check_against_grid, policy
from youthcourt.sanctions import events, services
from youthcourt.sanctions.models import DeadlineExtension, Disposition, ProgressKind, Sanction, SanctionStatus
from youthcourt.sanctions.services import SanctionSummary, format_number, read_amount, unit_of
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData, new_submission_token
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to

ROWS = 6
"""Sanction rows on the disposition form; empty rows are ignored."""

ROW_FIELDS = ("type", "quantity", "due_on", "description", "factor", "reason", "no_factor_reason")
NO_FINDING = "none"
"""The factor choice of a sanction that addresses none of the jury's findings (it needs a reason)."""
TYPE_CHOICES = {t.value: t.label for t in SanctionType}
SanctionTypeFilter = Annotated[str, QueryParameter(name="type", required=False)]


def row_field(number: int, name: str) -> str:
    return f"s{number}_{name}"


def conflict(message: str) -> HTTPException:
    return HTTPException(status_code=409, detail=message)


# ---------------------------------------------------------------------------------------------
# Disposition


@dataclass(frozen=True)
class SanctionRow:
    number: int
    sanction_type: SanctionType
    quantity: Decimal
    due_on: datetime.date
    description: str
    factor_id: UUID | None
    outside_grid_reason: str
    no_factor_reason: str


@dataclass(frozen=True)
class DispositionChoices:
    """What the disposition form offers: the case's hearings, factors and grid."""

    hearings: dict[str, str]
    hearing_dates: dict[str, datetime.date]
    awaiting_hearing: str
    """The latest hearing held by today and still marked scheduled: where the disposition comes from."""
    factors: dict[str, str]
    """The factors and strengths the jury found: the only ones a sanction may address."""
    contributing: dict[str, str]
    strengths: dict[str, str]
    investigated: bool
    """Whether the jury's investigation record exists for any of the case's hearings."""
    investigation_hearing: str
    """The hearing whose investigation record to open when none is recorded yet."""
    grid: list[tuple[SanctionType, int, int]]
    deadline_days: int


async def disposition_choices(
    db: AsyncSession, case: Case, program_id: UUID, today: datetime.date
) -> DispositionChoices:
    hearings = (
        await db.scalars(
            select(Hearing)
            .where(Hearing.case_id == case.id)
            .options(selectinload(Hearing.courtroom).selectinload(Courtroom.night))
        )
    ).all()
    hearings = sorted(hearings, key=lambda h: (h.courtroom.night.held_on, h.courtroom.night.starts_at))
    rules = (
        await db.scalars(select(SanctionRule).where(SanctionRule.offense_class == offense_class_of(case)))
    ).all()
    order = list(SanctionType)
    findings = await services.jury_findings(db, case.id)
    open_hearing = next(
        (
            str(h.id)
            for h in reversed(hearings)
            if h.outcome in (HearingOutcome.HELD, HearingOutcome.SCHEDULED)
            and h.courtroom.night.held_on <= today
        ),
        "",
    )
    return DispositionChoices(
        hearings={
            str(h.id): f"{h.courtroom.night.held_on.isoformat()}, {h.courtroom.name} "
            f"({h.kind.label.lower()} hearing, {h.outcome.label.lower()})"
            for h in hearings
        },
        hearing_dates={str(h.id): h.courtroom.night.held_on for h in hearings},
        awaiting_hearing=next(
            (
                str(h.id)
                for h in reversed(hearings)
                if h.outcome == HearingOutcome.SCHEDULED and h.courtroom.night.held_on <= today
            ),
            "",
        ),
        factors={str(f.id): f.name for f in findings.factors},
        contributing={str(f.id): f.name for f in findings.factors if f.kind == FactorKind.CONTRIBUTING},
        strengths={str(f.id): f.name for f in findings.factors if f.kind == FactorKind.STRENGTH},
        investigated=findings.recorded,
        investigation_hearing=open_hearing,
        grid=sorted(
            ((r.sanction_type, r.min_quantity, r.max_quantity) for r in rules),
            key=lambda item: order.index(item[0]),
        ),
        deadline_days=(await policy(db, program_id)).sanction_deadline_days,
    )


def offense_class_of(case: Case) -> OffenseClass:
    return case.referral.offense.offense_class


async def read_rows(
    db: AsyncSession, form: Form, case: Case, choices: DispositionChoices, decided_on: datetime.date | None
) -> list[SanctionRow]:
    """Check every non-empty row, against the grid too; errors go on the row's fields."""
    rows: list[SanctionRow] = []
    for number in range(1, ROWS + 1):
        prefix = row_field(number, "")
        if not any(form.get(prefix + f).strip() for f in ROW_FIELDS):
            continue
        before = len(form.errors)
        kind_value = form.choice(prefix + "type", f"the type of sanction {number}", TYPE_CHOICES)
        kind = SanctionType(kind_value) if kind_value in TYPE_CHOICES else None
        quantity = read_amount(
            form,
            prefix + "quantity",
            f"the quantity of sanction {number}",
            decimals=kind is None or kind in services.DECIMAL_TYPES,
        )
        due_on = form.date(prefix + "due_on", f"the due date of sanction {number}", required=False)
        if due_on is None and prefix + "due_on" not in form.errors and decided_on is not None:
            due_on = services.add_days(decided_on, choices.deadline_days)
        elif due_on is not None and decided_on is not None and due_on < decided_on:
            form.error(
                prefix + "due_on",
                f"The due date of sanction {number} cannot be before the decision ({decided_on.isoformat()}).",
            )
        factor = form.get(prefix + "factor")
        no_factor_reason = form.text(
            prefix + "no_factor_reason",
            f"the reason sanction {number} addresses none of the jury's findings",
            required=False,
            max_length=2000,
        )
        if factor == NO_FINDING:
            if not no_factor_reason and prefix + "no_factor_reason" not in form.errors:
                form.error(
                    prefix + "no_factor_reason",
                    f"Sanction {number} addresses none of the jury's findings: say why, "
                    "or choose the finding it addresses.",
                )
            factor = ""
        elif not factor:
            form.error(
                prefix + "factor",
                f"Choose the finding sanction {number} addresses"
                + (
                    "."
                    if choices.investigated
                    else ". The jury's findings are not recorded yet: record the investigation record "
                    "first, or choose “None of the findings” and give the reason."
                ),
            )
        elif factor not in choices.factors:
            form.error(prefix + "factor", f"Choose one of the jury's findings for sanction {number}.")
        else:
            no_factor_reason = ""
        description = form.text(
            prefix + "description", f"the description of sanction {number}", required=False, max_length=1000
        )
        reason = form.text(
            prefix + "reason",
            f"the reason sanction {number} is outside the grid",
            required=False,
            max_length=2000,
        )
        if kind is not None and quantity is not None:
            check = await check_against_grid(db, offense_class_of(case), kind, quantity)
            if check.within:
                reason = ""
            elif not reason:
                form.error(
                    prefix + "reason",
                    f"Sanction {number}: {format_number(quantity)} {unit_of(kind, quantity)} of "
                    f"{kind.label.lower()} is outside the grid. {check.message} "
                    "Change the quantity, or give the reason to go outside the grid.",
                )
        if len(form.errors) == before and kind and quantity is not None and due_on:
            rows.append(
                SanctionRow(
                    number,
                    kind,
                    quantity,
                    due_on,
                    description,
                    UUID(factor) if factor else None,
                    reason,
                    no_factor_reason,
                )
            )
    return rows


def disposition_page(
    case: Case, choices: DispositionChoices, form: Form, *, status_code: int = 200, problem: str = ""
) -> Template:
    return page(
        "sanctions/disposition.html",
        case=case,
        choices=choices,
        form=form,
        rows=range(1, ROWS + 1),
        types=TYPE_CHOICES,
        no_finding=NO_FINDING,
        problem=problem,
        status_code=status_code,
    )


def not_scheduled_problem(case: Case) -> str:
    if case.state == CaseState.SANCTIONS_IN_PROGRESS:
        return "The disposition of this case is already recorded: its sanctions are in progress."
    return (
        "A disposition is recorded for a case scheduled for its hearing. "
        f"This case is {case.state.label.lower()}."
    )


class DispositionController(Controller):
    """The jury's sentence: a set of sanctions, each checked against the grid for the offense class."""

    path = "/cases/{case_id:uuid}/disposition"
    guards = [requires_role(Role.COORDINATOR)]

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
        hearing: FromQuery[str] = "",
    ) -> Template:
        case = await case_or_404(db_session, case_id)
        choices = await disposition_choices(db_session, case, request.user.program_id, request.user.today())
        if hearing and hearing not in choices.hearings:
            raise NotFoundException()
        audit.record(db_session, request, "disposition_form_view", record_type="case", record_id=case.id)
        today = request.user.today()
        form = Form(values={"decided_on": today.isoformat(), "hearing": hearing or choices.awaiting_hearing})
        if case.state != CaseState.SCHEDULED:
            return disposition_page(case, choices, form, problem=not_scheduled_problem(case))
        return disposition_page(case, choices, form)

    @post("/")
    async def create(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        viewer: Viewer = request.user
        case = await case_or_404(db_session, case_id)
        choices = await disposition_choices(db_session, case, viewer.program_id, viewer.today())
        form = Form.from_data(data)
        hearing_value = form.get("hearing")
        if hearing_value and hearing_value not in choices.hearings:
            raise NotFoundException()
        if case.state != CaseState.SCHEDULED:
            return disposition_page(case, choices, form, problem=not_scheduled_problem(case), status_code=409)
        today = viewer.today()
        decided_on = form.date("decided_on", "the date of the decision")
        if decided_on and decided_on > today:
            form.error("decided_on", "The date of the decision cannot be in the future.")
        elif decided_on and decided_on < case.opened_on:
            form.error(
                "decided_on",
                f"The date of the decision cannot be before the case opened ({case.opened_on.isoformat()}).",
            )
        elif decided_on and hearing_value and decided_on < choices.hearing_dates[hearing_value]:
            form.error(
                "decided_on",
                "The date of the decision cannot be before the hearing "
                f"({choices.hearing_dates[hearing_value].isoformat()}).",
            )
        notes = form.text("notes", "notes", required=False, max_length=2000)
        rows = await read_rows(db_session, form, case, choices, decided_on)
        if form.is_valid and not rows:
            form.error(row_field(1, "type"), "Enter at least one sanction.")
        if not form.is_valid or decided_on is None:
            return disposition_page(case, choices, form, status_code=422)

        hearing = None
        if hearing_value:
            hearing = await db_session.scalar(select(Hearing).where(Hearing.id == UUID(hearing_value)))
            if await db_session.scalar(select(Disposition.id).where(Disposition.hearing_id == hearing.id)):
                form.error("hearing", "A disposition was already recorded at this hearing.")
                return disposition_page(case, choices, form, status_code=422)
            hearing.outcome = HearingOutcome.HELD
        disposition = Disposition(
            program_id=viewer.program_id,
            case_id=case.id,
            hearing_id=hearing.id if hearing else None,
            decided_on=decided_on,
            notes=notes,
        )
        db_session.add(disposition)
        await db_session.flush()
        recorded: list[Sanction] = []
        for row in rows:
            recorded.append(
                Sanction(
                    program_id=viewer.program_id,
                    case_id=case.id,
                    disposition_id=disposition.id,
                    sanction_type=row.sanction_type,
                    quantity=row.quantity,
                    description=row.description,
                    factor_id=row.factor_id,
                    due_on=row.due_on,
                    original_due_on=row.due_on,
                    outside_grid_reason=row.outside_grid_reason,
                    no_factor_reason=row.no_factor_reason,
                    status=SanctionStatus.OPEN,
                )
            )
            db_session.add(recorded[-1])
            await db_session.flush()
        await events.disposition_recorded(db_session, case, recorded, viewer)
        cases = CaseService(session=db_session)
        try:
            await cases.transition(
                case, CaseState.SANCTIONS_IN_PROGRESS, viewer, "Disposition recorded; sanctions in progress."
            )
        except TransitionError as error:
            return disposition_page(case, choices, form, problem=str(error), status_code=409)
        except StaleDataError as error:
            raise conflict(
                "Someone else changed this case at the same time. Reload it and try again."
            ) from error
        cases.add_event(
            case,
            EventKind.SANCTION,
            viewer,
            "Disposition: "
            + "; ".join(
                f"{row.sanction_type.label}, {format_number(row.quantity)} "
                f"{unit_of(row.sanction_type, row.quantity)}, due {row.due_on.isoformat()}"
                for row in rows
            )
            + ".",
        )
        audit.record(
            db_session,
            request,
            "disposition_create",
            record_type="case",
            record_id=case.id,
            details={
                "disposition_id": str(disposition.id),
                "sanctions": len(rows),
                "outside_grid": sum(1 for row in rows if row.outside_grid_reason),
                "no_finding": sum(1 for row in rows if row.no_factor_reason),
                "hearing_id": str(hearing.id) if hearing else None,
            },
        )
        flash(request, "The disposition was recorded. The case's sanctions are now in progress.")
        return redirect_to(request, f"/cases/{case.id}")


# ---------------------------------------------------------------------------------------------
# Monitoring


@dataclass(frozen=True)
class SanctionPage:
    sanction: Sanction
    case: Case

    @property
    def summary(self) -> SanctionSummary:
        return SanctionSummary.of(self.sanction)


async def load_sanction(db: AsyncSession, sanction_id: UUID) -> SanctionPage:
    sanction = await db.scalar(
        select(Sanction)
        .where(Sanction.id == sanction_id)
        .options(
            selectinload(Sanction.progress),
            selectinload(Sanction.extensions),
            selectinload(Sanction.factor),
            selectinload(Sanction.disposition),
        )
    )
    if sanction is None:
        raise NotFoundException()
    case = await db.scalar(select(Case).where(Case.id == sanction.case_id).options(selectinload(Case.youth)))
    if case is None:
        raise NotFoundException()
    return SanctionPage(sanction, case)


def kind_choices(sanction: Sanction) -> dict[str, str]:
    return {kind.value: kind.label for kind in services.PROGRESS_KINDS[sanction.sanction_type]}


def progress_form_defaults(sanction: Sanction, today: datetime.date) -> Form:
    kinds = services.PROGRESS_KINDS[sanction.sanction_type]
    return Form(
        values={
            "occurred_on": today.isoformat(),
            "kind": kinds[0].value,
            "submission_token": new_submission_token(),
        }
    )


def sanction_page(
    request: Request[Any, Any, Any],
    loaded: SanctionPage,
    *,
    progress_form: Form | None = None,
    extension_form: Form | None = None,
    problem: str = "",
    status_code: int = 200,
) -> Template:
    today = request.user.today()
    sanction = loaded.sanction
    return page(
        "sanctions/detail.html",
        sanction=sanction,
        case=loaded.case,
        summary=loaded.summary,
        today=today,
        kinds=kind_choices(sanction),
        needs_site=sanction.sanction_type == SanctionType.COMMUNITY_SERVICE,
        decimals=sanction.sanction_type in services.DECIMAL_TYPES,
        progress_form=progress_form or progress_form_defaults(sanction, today),
        extension_form=extension_form or Form(),
        format_number=format_number,
        problem=problem,
        status_code=status_code,
    )


def closed_problem(case: Case) -> str:
    return f"The case is {case.state.label.lower()}: its sanctions can no longer change."


class SanctionController(Controller):
    """Open sanctions across the program, each sanction's progress, completion and deadline."""

    path = "/sanctions"
    guards = [requires_role(Role.COORDINATOR)]

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        view: FromQuery[str] = services.OVERDUE,
        sanction_type: SanctionTypeFilter = "",
        page_no: PageNumber = "1",
    ) -> Template:
        view = view if view in services.VIEWS else services.OVERDUE
        chosen = SanctionType(sanction_type) if sanction_type in TYPE_CHOICES else None
        today = request.user.today()
        results = await paginate(
            db_session, services.monitoring_query(view, chosen, today), page_number(page_no)
        )
        rows = services.monitoring_rows(results.items, today)
        audit.record(
            db_session,
            request,
            "sanction_list_view",
            record_type="sanction",
            details={"view": view, "type": chosen.value if chosen else "", "rows": len(rows)},
        )
        filters = {"view": view, "type": chosen.value if chosen else ""}
        target = request.htmx.target if request.htmx else None
        return page(
            "sanctions/_rows.html" if target == "sanction-rows" else "sanctions/list.html",
            oob=target == "sanction-rows",
            results=results,
            rows=rows,
            today=today,
            filters=filters,
            base="/sanctions?" + urlencode(filters),
            views=services.VIEWS,
            types=TYPE_CHOICES,
        )

    @get("/{sanction_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        sanction_id: FromPath[UUID],
    ) -> Template:
        loaded = await load_sanction(db_session, sanction_id)
        audit.record(
            db_session,
            request,
            "sanction_view",
            record_type="sanction",
            record_id=sanction_id,
            details={"case_id": str(loaded.case.id)},
        )
        return sanction_page(request, loaded)

    @post("/{sanction_id:uuid}/progress")
    async def record_progress(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        sanction_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        viewer: Viewer = request.user
        loaded = await load_sanction(db_session, sanction_id)
        sanction, case = loaded.sanction, loaded.case
        form = Form.from_data(data)
        if case.state.is_closed:
            return sanction_page(
                request, loaded, progress_form=form, problem=closed_problem(case), status_code=409
            )
        today = viewer.today()
        occurred_on = form.date("occurred_on", "the date")
        if occurred_on and occurred_on > today:
            form.error("occurred_on", "The date cannot be in the future.")
        elif occurred_on and occurred_on < sanction.disposition.decided_on:
            form.error(
                "occurred_on",
                f"The date cannot be before the disposition ({sanction.disposition.decided_on.isoformat()}).",
            )
        amount = read_amount(
            form, "amount", "the amount", decimals=sanction.sanction_type in services.DECIMAL_TYPES
        )
        kind = form.choice("kind", "what kind of progress this is", kind_choices(sanction))
        site = form.text("site", "the service site", required=kind == ProgressKind.HOURS)
        verified_by = form.text(
            "verified_by", "who at the site verified the hours", required=kind == ProgressKind.HOURS
        )
        notes = form.text("notes", "notes", required=False, max_length=2000)
        token = form.get("submission_token").strip()[:64] or None
        if not form.is_valid or occurred_on is None or amount is None:
            return sanction_page(request, loaded, progress_form=form, status_code=422)
        try:
            result = await services.record_progress(
                db_session,
                sanction,
                ProgressKind(kind),
                amount,
                occurred_on,
                site=site,
                verified_by=verified_by,
                notes=notes,
                recorded_by=viewer,
                submission_token=token,
            )
        except IntegrityError:
            # The same form arrived twice at the same moment; the other request recorded it.
            await db_session.rollback()
            flash(request, "This entry was already recorded.", "info")
            return redirect_to(request, f"/sanctions/{sanction_id}")
        if not result.created:
            flash(request, "This entry was already recorded.", "info")
            return redirect_to(request, f"/sanctions/{sanction_id}")
        audit.record(
            db_session,
            request,
            "sanction_progress_record",
            record_type="sanction",
            record_id=sanction_id,
            details={
                "case_id": str(case.id),
                "kind": kind,
                "amount": str(amount),
                "completed": result.completed,
            },
        )
        message = "The progress was recorded."
        if result.completed:
            message += " The sanction is now complete."
        flash(request, message)
        return redirect_to(request, f"/sanctions/{sanction_id}")

    @post("/{sanction_id:uuid}/extension")
    async def extend(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        sanction_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        viewer: Viewer = request.user
        loaded = await load_sanction(db_session, sanction_id)
        sanction, case = loaded.sanction, loaded.case
        form = Form.from_data(data)
        if case.state.is_closed or sanction.status != SanctionStatus.OPEN:
            problem = (
                closed_problem(case)
                if case.state.is_closed
                else "Only an open sanction's due date can be extended."
            )
            return sanction_page(request, loaded, extension_form=form, problem=problem, status_code=409)
        new_due_on = form.date("new_due_on", "the new due date")
        if new_due_on and new_due_on <= sanction.due_on:
            form.error(
                "new_due_on",
                f"The new due date must be after the current one ({sanction.due_on.isoformat()}).",
            )
        reason = form.text("reason", "the reason for the extension", max_length=2000)
        if not form.is_valid or new_due_on is None:
            return sanction_page(request, loaded, extension_form=form, status_code=422)
        previous = sanction.due_on
        db_session.add(
            DeadlineExtension(
                program_id=viewer.program_id,
                sanction_id=sanction.id,
                previous_due_on=previous,
                new_due_on=new_due_on,
                reason=reason,
                actor_name=viewer.full_name,
            )
        )
        sanction.due_on = new_due_on
        CaseService(session=db_session).add_event(
            case,
            EventKind.SANCTION,
            viewer,
            f"{sanction.sanction_type.label}: due date extended from {previous.isoformat()} "
            f"to {new_due_on.isoformat()}. {reason}",
        )
        audit.record(
            db_session,
            request,
            "sanction_extend",
            record_type="sanction",
            record_id=sanction_id,
            details={"case_id": str(case.id), "from": previous.isoformat(), "to": new_due_on.isoformat()},
        )
        flash(request, f"The due date is now {new_due_on.isoformat()}.")
        return redirect_to(request, f"/sanctions/{sanction_id}")

    @post("/{sanction_id:uuid}/status")
    async def set_status(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        sanction_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        """Mark a sanction completed or not completed by hand, or reopen it."""
        viewer: Viewer = request.user
        loaded = await load_sanction(db_session, sanction_id)
        sanction, case = loaded.sanction, loaded.case
        if case.state.is_closed:
            return sanction_page(request, loaded, problem=closed_problem(case), status_code=409)
        wanted_value = Form.from_data(data).get("status")
        if wanted_value not in {s.value for s in SanctionStatus}:
            return sanction_page(
                request, loaded, problem="Choose completed, not completed or open.", status_code=422
            )
        wanted = SanctionStatus(wanted_value)
        previous = sanction.status
        if wanted != previous:
            sanction.status = wanted
            sanction.completed_on = viewer.today() if wanted == SanctionStatus.COMPLETED else None
            CaseService(session=db_session).add_event(
                case,
                EventKind.SANCTION,
                viewer,
                f"{sanction.sanction_type.label} marked {wanted.label.lower()}.",
            )
            audit.record(
                db_session,
                request,
                "sanction_status_change",
                record_type="sanction",
                record_id=sanction_id,
                details={"case_id": str(case.id), "from": previous.value, "to": wanted.value},
            )
        flash(request, f"The sanction is {wanted.label.lower()}.")
        return redirect_to(request, f"/sanctions/{sanction_id}")


ROUTES: list[type[Controller]] = [DispositionController, SanctionController]
