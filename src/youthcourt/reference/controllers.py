"""Program admins keep their program's reference data: sources, offenses, the sanction grid,
factors and the eligibility and deadline policy.

Every page first gives the program its default reference data (once), so a new program
starts from a working set. Every change is audited without personal data (agency contact
people's names are never put in the trail, only which fields changed).
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Template
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit.service import Actor
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.forms import (
    AGE_LIMITS,
    AUTO_SEAL_LIMIT,
    DAY_FIELDS,
    FACTOR_KINDS,
    FOLLOW_UP_MONTHS,
    JURY_FIELDS,
    OFFENSE_CLASSES,
    POLICY_FIELDS,
    SESSION_ABSOLUTE_LIMITS,
    SESSION_IDLE_LIMITS,
    SOURCE_FIELDS,
    SOURCE_KINDS,
    SUPPRESSION_LIMITS,
    grid_field,
    grid_form,
    offense_form,
    policy_form,
    prior_role_choices,
    read_factor_name,
    read_grid,
    read_offense,
    read_policy,
    read_role_rules,
    read_source,
    role_field,
    role_rules_values,
    source_form,
    translated,
)
from youthcourt.reference.models import (
    K_ANONYMITY,
    Factor,
    FactorKind,
    Offense,
    OffenseClass,
    ProgramPolicy,
    ReferralSource,
    RoleRequirement,
    SanctionRule,
    SanctionType,
)
from youthcourt.reference.services import (
    PROGRESSION_ROLES,
    RoleRule,
    format_hours,
    progression_rules,
    record_change,
    save_grid,
)
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import N_, _, ngettext
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to, wants_part

ADMIN_ONLY = [requires_role(Role.PROGRAM_ADMIN)]

ContributingPage = Annotated[str, QueryParameter(name="contributing_page", required=False)]
StrengthPage = Annotated[str, QueryParameter(name="strength_page", required=False)]


async def seeded(db_session: AsyncSession, request: Request[Any, Any, Any]) -> ProgramPolicy:
    """The program's policy, after giving the program its default reference data if it has none."""
    return await ensure_defaults(db_session, request.user.program_id)


async def name_taken(
    db_session: AsyncSession, column: Any, name: str, exclude: UUID | None, *criteria: ColumnElement[bool]
) -> bool:
    """Whether another record of the program already has ``name`` (ignoring upper and lower case)."""
    entity = column.class_
    query = select(entity.id).where(func.lower(column) == name.lower(), *criteria).limit(1)
    if exclude is not None:
        query = query.where(entity.id != exclude)
    return await db_session.scalar(query) is not None


def active_flag(data: FormData) -> bool:
    return Form.from_data(data).get("active") == "true"


class ReferenceController(Controller):
    """The overview of the reference data, with a count of what each section holds."""

    path = "/reference"
    guards = ADMIN_ONLY

    @get("/")
    async def index(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        policy = await seeded(db_session, request)
        counts = {
            "sources": await _count(db_session, ReferralSource.id, ReferralSource.is_active),
            "offenses": await _count(db_session, Offense.id, Offense.is_active),
            "grid": await _count(db_session, SanctionRule.id),
            "contributing": await _count(
                db_session, Factor.id, Factor.is_active, Factor.kind == FactorKind.CONTRIBUTING
            ),
            "strengths": await _count(
                db_session, Factor.id, Factor.is_active, Factor.kind == FactorKind.STRENGTH
            ),
        }
        return page("reference/overview.html", policy=policy, counts=counts, section="overview")


async def _count(db_session: AsyncSession, column: Any, *criteria: ColumnElement[bool]) -> int:
    return await db_session.scalar(select(func.count(column)).where(*criteria)) or 0


class SourceController(Controller):
    """The agencies that refer young people to the program."""

    path = "/reference/sources"
    guards = ADMIN_ONLY

    @get("/")
    async def sources(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        await seeded(db_session, request)
        query = select(ReferralSource).order_by(ReferralSource.is_active.desc(), ReferralSource.name)
        results = await paginate(db_session, query, page_number(page_no))
        return page("reference/sources.html", results=results, kinds=SOURCE_KINDS, section="sources")

    @get("/new")
    async def new_source(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        await seeded(db_session, request)
        return self._form_page(Form(values={"kind": "police"}), None)

    @post("/")
    async def create_source(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Any:
        await seeded(db_session, request)
        form = Form.from_data(data)
        values = read_source(form)
        if values and await name_taken(db_session, ReferralSource.name, values.name, None):
            form.error("name", _("Another source agency already has this name. Choose a different name."))
        if values is None or not form.is_valid:
            return self._form_page(form, None, status_code=422)
        source = ReferralSource(program_id=request.user.program_id, **asdict(values))
        db_session.add(source)
        await db_session.flush()
        record_change(db_session, request, "referral_source", source.id, "add", kind=source.kind.value)
        flash(request, _("The source agency was added."))
        return redirect_to(request, "/reference/sources")

    @get("/{source_id:uuid}")
    async def edit_source(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        source_id: FromPath[UUID],
    ) -> Template:
        await seeded(db_session, request)
        source = await self._source(db_session, source_id)
        return self._form_page(source_form(source), source)

    @post("/{source_id:uuid}")
    async def update_source(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        source_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        await seeded(db_session, request)
        source = await self._source(db_session, source_id)
        form = Form.from_data(data)
        values = read_source(form)
        if values and await name_taken(db_session, ReferralSource.name, values.name, source.id):
            form.error("name", _("Another source agency already has this name. Choose a different name."))
        if values is None or not form.is_valid:
            return self._form_page(form, source, status_code=422)
        changed = [field for field in SOURCE_FIELDS if getattr(source, field) != getattr(values, field)]
        if not changed:
            flash(request, _("Nothing was changed."), "info")
            return redirect_to(request, "/reference/sources")
        for field in changed:
            setattr(source, field, getattr(values, field))
        record_change(db_session, request, "referral_source", source.id, "edit", fields=", ".join(changed))
        flash(request, _("The source agency was saved."))
        return redirect_to(request, "/reference/sources")

    @post("/{source_id:uuid}/active")
    async def set_source_active(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        source_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        await seeded(db_session, request)
        source = await self._source(db_session, source_id)
        source.is_active = active_flag(data)
        change = "reactivate" if source.is_active else "deactivate"
        record_change(db_session, request, "referral_source", source.id, change)
        flash(
            request,
            _("The source agency was reactivated.")
            if source.is_active
            else _(
                "The source agency was deactivated. New referrals can no longer name it; past ones keep it."
            ),
        )
        return redirect_to(request, f"/reference/sources/{source.id}")

    async def _source(self, db_session: AsyncSession, source_id: UUID) -> ReferralSource:
        source = await db_session.scalar(select(ReferralSource).where(ReferralSource.id == source_id))
        if source is None:
            raise NotFoundException()
        return source

    def _form_page(self, form: Form, source: ReferralSource | None, status_code: int = 200) -> Template:
        return page(
            "reference/source_form.html",
            form=form,
            source=source,
            kinds=SOURCE_KINDS,
            kind_choices=translated(SOURCE_KINDS),
            section="sources",
            status_code=status_code,
        )


class OffenseController(Controller):
    """The program's offense catalog, each offense with its category and class."""

    path = "/reference/offenses"
    guards = ADMIN_ONLY

    @get("/")
    async def offenses(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        await seeded(db_session, request)
        query = select(Offense).order_by(Offense.offense_class, Offense.is_active.desc(), Offense.name)
        results = await paginate(db_session, query, page_number(page_no))
        return page("reference/offenses.html", results=results, classes=OFFENSE_CLASSES, section="offenses")

    @get("/new")
    async def new_offense(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        await seeded(db_session, request)
        return await self._form_page(db_session, Form(values={"offense_class": "A"}), None)

    @post("/")
    async def create_offense(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Any:
        await seeded(db_session, request)
        form = Form.from_data(data)
        values = read_offense(form)
        if values and await name_taken(db_session, Offense.name, values.name, None):
            form.error("name", _("The catalog already has an offense with this name."))
        if values is None or not form.is_valid:
            return await self._form_page(db_session, form, None, status_code=422)
        offense = Offense(program_id=request.user.program_id, **asdict(values))
        db_session.add(offense)
        await db_session.flush()
        record_change(
            db_session, request, "offense", offense.id, "add", offense_class=offense.offense_class.value
        )
        flash(request, _("The offense was added to the catalog."))
        return redirect_to(request, "/reference/offenses")

    @get("/{offense_id:uuid}")
    async def edit_offense(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        offense_id: FromPath[UUID],
    ) -> Template:
        await seeded(db_session, request)
        offense = await self._offense(db_session, offense_id)
        return await self._form_page(db_session, offense_form(offense), offense)

    @post("/{offense_id:uuid}")
    async def update_offense(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        offense_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        await seeded(db_session, request)
        offense = await self._offense(db_session, offense_id)
        form = Form.from_data(data)
        values = read_offense(form)
        if values and await name_taken(db_session, Offense.name, values.name, offense.id):
            form.error("name", _("The catalog already has an offense with this name."))
        if values is None or not form.is_valid:
            return await self._form_page(db_session, form, offense, status_code=422)
        changed = [
            f for f in ("name", "category", "offense_class") if getattr(offense, f) != getattr(values, f)
        ]
        if not changed:
            flash(request, _("Nothing was changed."), "info")
            return redirect_to(request, "/reference/offenses")
        details = {"fields": ", ".join(changed)}
        if "offense_class" in changed:
            details["offense_class"] = f"{offense.offense_class.value} -> {values.offense_class.value}"
        for field in changed:
            setattr(offense, field, getattr(values, field))
        record_change(db_session, request, "offense", offense.id, "edit", **details)
        flash(request, _("The offense was saved."))
        return redirect_to(request, "/reference/offenses")

    @post("/{offense_id:uuid}/active")
    async def set_offense_active(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        offense_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        await seeded(db_session, request)
        offense = await self._offense(db_session, offense_id)
        offense.is_active = active_flag(data)
        change = "reactivate" if offense.is_active else "deactivate"
        record_change(db_session, request, "offense", offense.id, change)
        flash(
            request,
            _("The offense was reactivated.")
            if offense.is_active
            else _("The offense was deactivated. New referrals can no longer use it; past ones keep it."),
        )
        return redirect_to(request, f"/reference/offenses/{offense.id}")

    async def _offense(self, db_session: AsyncSession, offense_id: UUID) -> Offense:
        offense = await db_session.scalar(select(Offense).where(Offense.id == offense_id))
        if offense is None:
            raise NotFoundException()
        return offense

    async def _form_page(
        self, db_session: AsyncSession, form: Form, offense: Offense | None, status_code: int = 200
    ) -> Template:
        categories = (
            await db_session.scalars(select(Offense.category).distinct().order_by(Offense.category))
        ).all()
        return page(
            "reference/offense_form.html",
            form=form,
            offense=offense,
            classes=translated(OFFENSE_CLASSES),
            categories=categories,
            section="offenses",
            status_code=status_code,
        )


class GridController(Controller):
    """The sanction grid: for each sanction type and offense class, the range a jury may give."""

    path = "/reference/grid"
    guards = ADMIN_ONLY

    @get("/")
    async def grid(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        await seeded(db_session, request)
        rules = (await db_session.scalars(select(SanctionRule))).all()
        return self._page(grid_form(rules))

    @post("/")
    async def save_grid(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        data: FormData,
    ) -> Any:
        await seeded(db_session, request)
        form = Form.from_data(data)
        grid = read_grid(form)
        if not form.is_valid:
            return self._page(form, status_code=422)
        cells = await save_grid(db_session, actor, grid)
        if not cells:
            flash(request, _("Nothing was changed."), "info")
        else:
            flash(
                request,
                ngettext(
                    "The sanction grid was saved (%(num)s cell changed).",
                    "The sanction grid was saved (%(num)s cells changed).",
                    cells,
                ),
            )
        return redirect_to(request, "/reference/grid")

    def _page(self, form: Form, status_code: int = 200) -> Template:
        return page(
            "reference/grid.html",
            form=form,
            sanction_types=list(SanctionType),
            offense_classes=list(OffenseClass),
            field_name=grid_field,
            section="grid",
            status_code=status_code,
        )


class FactorController(Controller):
    """The lists a jury picks from: contributing factors and strengths."""

    path = "/reference/factors"
    guards = ADMIN_ONLY

    @get("/")
    async def factors(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        contributing_page: ContributingPage = "1",
        strength_page: StrengthPage = "1",
    ) -> Template:
        await seeded(db_session, request)
        return await self._page(db_session, Form(), contributing_page, strength_page)

    @post("/")
    async def create_factor(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Any:
        """Add to one of the two lists; the form says which (``kind``) and names its field after it."""
        form = Form.from_data(data)
        kind = form.get("kind")
        if kind not in FACTOR_KINDS:
            raise ClientException(
                _("The form did not say which list to add to. Reload the page and try again.")
            )
        await seeded(db_session, request)
        factor_kind = FactorKind(kind)
        field = f"{kind}_name"
        name = read_factor_name(form, prefix=f"{kind}_")
        if name and await name_taken(db_session, Factor.name, name, None, Factor.kind == factor_kind):
            form.error(field, _("This list already has an entry with this name."))
        if name is None or not form.is_valid:
            return await self._page(db_session, form, "1", "1", status_code=422)
        factor = Factor(program_id=request.user.program_id, kind=factor_kind, name=name)
        db_session.add(factor)
        await db_session.flush()
        record_change(db_session, request, "factor", factor.id, "add", kind=kind)
        added = (
            N_("“%(name)s” was added to the contributing factors.")
            if factor_kind is FactorKind.CONTRIBUTING
            else N_("“%(name)s” was added to the strengths.")
        )
        flash(request, _(added, name=name))
        return redirect_to(request, "/reference/factors")

    @get("/{factor_id:uuid}")
    async def edit_factor(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        factor_id: FromPath[UUID],
    ) -> Template:
        await seeded(db_session, request)
        factor = await self._factor(db_session, factor_id)
        return self._rename_page(request, factor, Form(values={"name": factor.name}))

    @post("/{factor_id:uuid}")
    async def rename(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        factor_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        await seeded(db_session, request)
        factor = await self._factor(db_session, factor_id)
        form = Form.from_data(data)
        name = read_factor_name(form)
        if name and await name_taken(db_session, Factor.name, name, factor.id, Factor.kind == factor.kind):
            form.error("name", _("This list already has an entry with this name."))
        if name is None or not form.is_valid:
            return self._rename_page(request, factor, form, status_code=422)
        if name != factor.name:
            factor.name = name
            record_change(db_session, request, "factor", factor.id, "rename", kind=factor.kind.value)
            flash(request, _("The name was changed."))
        else:
            flash(request, _("Nothing was changed."), "info")
        return redirect_to(request, "/reference/factors")

    @post("/{factor_id:uuid}/active")
    async def set_factor_active(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        factor_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        await seeded(db_session, request)
        factor = await self._factor(db_session, factor_id)
        factor.is_active = active_flag(data)
        change = "reactivate" if factor.is_active else "deactivate"
        record_change(db_session, request, "factor", factor.id, change, kind=factor.kind.value)
        flash(
            request,
            _("“%(name)s” was reactivated.", name=factor.name)
            if factor.is_active
            else _(
                "“%(name)s” was deactivated. Juries no longer see it; past cases keep it.", name=factor.name
            ),
        )
        return redirect_to(request, "/reference/factors")

    async def _factor(self, db_session: AsyncSession, factor_id: UUID) -> Factor:
        factor = await db_session.scalar(select(Factor).where(Factor.id == factor_id))
        if factor is None:
            raise NotFoundException()
        return factor

    async def _page(
        self,
        db_session: AsyncSession,
        form: Form,
        contributing_page: str,
        strength_page: str,
        status_code: int = 200,
    ) -> Template:
        lists = {}
        for kind, wanted in (
            (FactorKind.CONTRIBUTING, contributing_page),
            (FactorKind.STRENGTH, strength_page),
        ):
            query = select(Factor).where(Factor.kind == kind).order_by(Factor.is_active.desc(), Factor.name)
            lists[kind.value] = await paginate(db_session, query, page_number(wanted))
        return page(
            "reference/factors.html",
            form=form,
            lists=lists,
            kinds=FACTOR_KINDS,
            section="factors",
            status_code=status_code,
        )

    def _rename_page(
        self, request: Request[Any, Any, Any], factor: Factor, form: Form, status_code: int = 200
    ) -> Template:
        """A page of its own, or, for htmx, the list row turned into a form (an inline edit)."""
        inline = wants_part(request, f"factor-{factor.id}")
        return page(
            "reference/_factor_rename.html" if inline else "reference/factor_form.html",
            factor=factor,
            form=form,
            kinds=FACTOR_KINDS,
            section="factors",
            status_code=status_code,
        )


class PolicyController(Controller):
    """Who the program accepts, and its deadlines and follow-up windows."""

    path = "/reference/policy"
    guards = ADMIN_ONLY

    @get("/")
    async def policy(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        policy = await seeded(db_session, request)
        form = policy_form(policy)
        form.values.update(role_rules_values(await progression_rules(db_session)))
        return self._page(form)

    @post("/")
    async def save_policy(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Any:
        policy = await seeded(db_session, request)
        form = Form.from_data(data)
        rules = read_role_rules(form)
        values = read_policy(form)
        if values is None:
            return self._page(form, status_code=422)
        details = {
            name: f"{getattr(policy, name)} -> {getattr(values, name)}"
            for name in POLICY_FIELDS
            if getattr(policy, name) != getattr(values, name)
        }
        details.update(await self._save_rules(db_session, request.user.program_id, rules))
        if not details:
            flash(request, _("Nothing was changed."), "info")
            return redirect_to(request, "/reference/policy")
        for name in POLICY_FIELDS:
            setattr(policy, name, getattr(values, name))
        record_change(db_session, request, "program_policy", policy.id, "edit", **details)
        flash(request, _("The eligibility rules and deadlines were saved."))
        return redirect_to(request, "/reference/policy")

    @staticmethod
    async def _save_rules(
        db_session: AsyncSession, program_id: UUID, rules: dict[Any, RoleRule]
    ) -> dict[str, str]:
        """Store each role's rule; returns the changes, "youth_judge.min_nights": "10 -> 12"."""
        current = await progression_rules(db_session)
        saved = {row.role: row for row in (await db_session.scalars(select(RoleRequirement))).all()}
        changes: dict[str, str] = {}
        for role, rule in rules.items():
            before = current[role]
            for name in ("min_nights", "training_hours", "training_course", "prior_role"):
                old, new = getattr(before, name), getattr(rule, name)
                if old != new:
                    changes[f"{role.value}.{name}"] = f"{_shown(old)} -> {_shown(new)}"
            row = saved.get(role)
            if row is None:
                row = RoleRequirement(program_id=program_id, role=role)
                db_session.add(row)
            row.min_nights = rule.min_nights
            row.training_hours = rule.training_hours
            row.training_course = rule.training_course
            row.prior_role = rule.prior_role
        return changes

    def _page(self, form: Form, status_code: int = 200) -> Template:
        return page(
            "reference/policy.html",
            form=form,
            progression_roles=PROGRESSION_ROLES,
            role_field=role_field,
            prior_role_choices=prior_role_choices,
            classes=translated(OFFENSE_CLASSES),
            months=FOLLOW_UP_MONTHS,
            age_limits=AGE_LIMITS,
            day_fields=DAY_FIELDS,
            jury_fields=JURY_FIELDS,
            suppression_limits=SUPPRESSION_LIMITS,
            k_anonymity=K_ANONYMITY,
            session_idle_limits=SESSION_IDLE_LIMITS,
            session_absolute_limits=SESSION_ABSOLUTE_LIMITS,
            auto_seal_limit=AUTO_SEAL_LIMIT,
            section="policy",
            status_code=status_code,
        )


def _shown(value: Any) -> str:
    """A progression setting as the audit trail shows it."""
    if value is None or value == "":
        return "none"
    if isinstance(value, Decimal):
        return format_hours(value)
    return str(getattr(value, "value", value))


ROUTES: list[type[Controller]] = [
    ReferenceController,
    SourceController,
    OffenseController,
    GridController,
    FactorController,
    PolicyController,
]
