"""Pages of the respondent's own page: the coordinator's family links, and the page they open."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.mfa import qr_svg
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import Case
from youthcourt.cases.services import CASE_IN_PATH
from youthcourt.private_links import links
from youthcourt.private_links.links import IssuedLink, Purpose
from youthcourt.programs.guards import PUBLIC, requires_role
from youthcourt.programs.models import Role
from youthcourt.referrals.family import family_language
from youthcourt.respondents import services
from youthcourt.respondents.services import GUARDIAN_PAGE, YOUTH_PAGE, LinkRefused
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import N_, _, adopt_language, known_language, use_locale
from youthcourt.web.templating import page, redirect_to

MAIL_SUBJECT = N_("Your youth court page")
MAIL_BODY = N_(
    "Here is your private page at the youth court: what is done, what is left and by when.\n\n"
    "%(address)s\n\nKeep it to yourself: anyone with this address can open the page."
)
LANGUAGE_PARAMETER = "lang"
"""The query parameter of the family page's language switch (``?lang=es``): a language, nothing personal."""


async def links_page(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    case: Case,
    *,
    form: Form | None = None,
    problem: str = "",
    status_code: int = 200,
) -> Template:
    today = request.user.today()
    return page(
        "respondents/links.html",
        case=case,
        family_links=await services.links_of_case(db, case, today),
        family_options=services.holder_options(case.youth),
        family_form=form or Form(values={"holder": services.YOUTH}),
        family_refusal=services.refusal(case, today),
        problem=problem,
        status_code=status_code,
    )


def mail_to(request: Request[Any, Any, Any], case: Case, issued: IssuedLink, address: str) -> str:
    """A mailto: address for the holder's own email, the page's address in the body, in the family's language."""
    to = case.youth.email
    if issued.link.purpose == GUARDIAN_PAGE.name:
        to = next((g.email for g in case.youth.guardians if g.email), "")
    with use_locale(family_language(case.youth.guardians)):
        subject, body = _(MAIL_SUBJECT), _(MAIL_BODY, address=address)
    return f"mailto:{quote(to)}?subject={quote(subject)}&body={quote(body)}"


class FamilyLinkController(Controller):
    """The coordinator gives the youth and each guardian a private link to the page, and revokes them."""

    path = "/cases/{case_id:uuid}/family-links"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = CASE_IN_PATH

    @get("/")
    async def family_links(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case: NamedDependency[Case],
    ) -> Template:
        audit.record(db_session, request, "family_links_view", record_type="case", record_id=case.id)
        return await links_page(request, db_session, case)

    @post("/")
    async def give_family_link(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        case: NamedDependency[Case],
        data: FormData,
    ) -> Template:
        """Answers with the new address, its QR code and an email button: the only time it is shown."""
        form = Form.from_data(data)
        try:
            issued = await services.issue_link(db_session, case, form, actor)
        except LinkRefused as refused:
            return await links_page(
                request, db_session, case, form=form, problem=refused.message, status_code=409
            )
        if issued is None:
            return await links_page(request, db_session, case, form=form, status_code=422)
        address = f"{str(request.base_url).rstrip('/')}{issued.path}"
        return page(
            "respondents/issued.html",
            case=case,
            issued=issued,
            address=address,
            qr=qr_svg(address, title=_("QR code of the private page")),
            mail=mail_to(request, case, issued, address),
            for_guardian=issued.link.purpose == GUARDIAN_PAGE.name,
        )

    @post("/{link_id:uuid}/revoke")
    async def revoke_family_link(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        case: NamedDependency[Case],
        link_id: FromPath[UUID],
    ) -> Any:
        await services.revoke_link(db_session, case, link_id, actor)
        flash(request, _("The link was revoked: it no longer opens the page."))
        return redirect_to(request, f"/cases/{case.id}#family-links")


async def family_page(
    request: Request[Any, Any, Any], db: AsyncSession, token: str, purpose: Purpose
) -> Template:
    """The family's page, in the family's language unless the visitor chose the other one on the page."""
    view = await services.open_page(db, token, purpose)
    services.audit_view(db, request, view, purpose)
    chosen = known_language(request.query_params.get(LANGUAGE_PARAMETER))
    adopt_language(chosen or family_language(view.youth.guardians))
    response = page("respondents/page.html", view=view)
    response.headers.update(links.HEADERS)
    return response


class RespondentPageController(Controller):
    """Public: the secret in the address opens this one family's page, and nothing else."""

    @get(links.route_path(YOUTH_PAGE), opt=PUBLIC, include_in_schema=False)
    async def youth_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        token: FromPath[str],
    ) -> Template:
        return await family_page(request, db_session, token, YOUTH_PAGE)

    @get(links.route_path(GUARDIAN_PAGE), opt=PUBLIC, include_in_schema=False)
    async def guardian_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        token: FromPath[str],
    ) -> Template:
        return await family_page(request, db_session, token, GUARDIAN_PAGE)


ROUTES: list[type[Controller]] = [FamilyLinkController, RespondentPageController]
