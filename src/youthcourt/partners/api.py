"""The partner API under ``/api/v1``: JSON in and out, a key for every call, problems for errors.

Handlers parse, call one service function, and answer; the key's agency and program come from
:mod:`youthcourt.partners.access`, which let the request in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, HeaderParameter, JSONBody, MultipartBody
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.partners import services
from youthcourt.partners.access import PARTNER_API, partner_of
from youthcourt.partners.schemas import (
    DocumentOut,
    OffenseOut,
    OffensePage,
    Problem,
    ReferralIn,
    ReferralPage,
    ReferralStatusOut,
)
from youthcourt.partners.services import SubmissionRefused
from youthcourt.referrals import document_store, uploads
from youthcourt.referrals.models import Referral
from youthcourt.referrals.services import ReferralService
from youthcourt.web import problems
from youthcourt.web.forms import Form
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.routes import name_routes

API_PATH = "/api/v1"


def _problem(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=Problem, description=description, media_type=problems.MEDIA_TYPE)


REFUSALS = {
    400: _problem("The body could not be read (not JSON, or not the declared media type)."),
    401: _problem("No key, an unknown or revoked key, or a session cookie instead of a key."),
    422: _problem("The request has errors: one message per field."),
    429: _problem("Too many requests with this key; ``Retry-After`` says when to try again."),
}
NOT_FOUND = {404: _problem("No such referral among those your agency sent.")}
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        max_length=200,
        description="Any unique text: the same request sent again with it makes nothing new.",
    ),
]


@dataclass
class DocumentUpload:
    """A document for a referral: a PDF (or a PNG or JPEG image) of at most 10 MB, and its title."""

    file: UploadFile
    title: str = field(default="Police report")


DocumentData = MultipartBody[DocumentUpload]


async def provide_agency_referral(
    referral_id: FromPath[UUID], db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Referral:
    """The referral named in the path when the calling agency sent it; 404 otherwise."""
    referral = await services.agency_referral(db_session, partner_of(request), referral_id)
    if referral is None:
        raise NotFoundException()
    return referral


class ReferralApi(Controller):
    path = "/referrals"
    tags = ["Referrals"]
    dependencies = {
        "referrals": Provide(create_service_provider(ReferralService)),
        "referral": Provide(provide_agency_referral),
    }

    @post(
        "/",
        status_code=201,
        summary="Send a referral",
        responses={
            200: ResponseSpec(ReferralStatusOut, description="Received before: nothing new was made."),
            **REFUSALS,
        },
    )
    async def submit_referral(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        referrals: NamedDependency[ReferralService],
        data: JSONBody[ReferralIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[ReferralStatusOut]:
        """A referral lands in the program's referral inbox, to be screened like any other."""
        partner = partner_of(request)
        try:
            sent = await services.submit(referrals, partner, data, idempotency_key, actor)
        except SubmissionRefused as refused:
            return problems.problem(
                422, "The referral was not saved. Correct the fields below.", refused.errors
            )  # type: ignore[return-value]
        return Response(
            services.status_of(sent.referral, partner.timezone),
            status_code=201 if sent.created else 200,
            headers={"Location": f"{API_PATH}/referrals/{sent.referral.id}"},
        )

    @get("/", summary="The referrals your agency sent", responses=REFUSALS)
    async def referral_statuses(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> ReferralPage:
        """Newest first, 25 a page, with where each one stands."""
        partner = partner_of(request)
        results = await paginate(db_session, services.agency_referrals(partner), page_number(page_no))
        audit.record(
            db_session,
            request,
            "api_referral_list",
            record_type="referral",
            details={"page": results.number, "rows": len(results.items)},
        )
        items = [services.status_of(referral, partner.timezone) for referral in results.items]
        return ReferralPage(items=items, page=results.number, pages=results.count, total=results.total)

    @get("/{referral_id:uuid}", summary="Where one referral stands", responses={**REFUSALS, **NOT_FOUND})
    async def referral_status(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        referral: NamedDependency[Referral],
    ) -> ReferralStatusOut:
        """Received, accepted, declined or returned; a declined or returned referral says why."""
        audit.record(
            db_session, request, "api_referral_status", record_type="referral", record_id=referral.id
        )
        return services.status_of(referral, partner_of(request).timezone)

    @post(
        "/{referral_id:uuid}/documents",
        status_code=201,
        summary="Attach a document (a police report) to a referral",
        request_max_body_size=uploads.MAX_REQUEST_BYTES,
        responses={**REFUSALS, **NOT_FOUND, 413: _problem("The file is larger than 10 MB.")},
    )
    async def attach_document(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        referrals: NamedDependency[ReferralService],
        referral: NamedDependency[Referral],
        data: DocumentData,
    ) -> Response[DocumentOut]:
        """The file is checked by its content, as uploads on the referral page are."""
        form = Form(values={"title": data.title})
        try:
            document = await referrals.attach_document(
                referral, form, data.file, document_store.for_request(request), actor
            )
        finally:
            await data.file.close()
        if document is None:
            errors = [{"pointer": f"#/{name}", "detail": message} for name, message in form.errors.items()]
            return problems.problem(422, "The document was not saved.", errors)  # type: ignore[return-value]
        out = DocumentOut(
            id=document.id,
            title=document.title,
            content_type=document.content_type,
            size_bytes=document.size_bytes,
        )
        return Response(out, status_code=201)


class OffenseApi(Controller):
    path = "/offenses"
    tags = ["Reference"]

    @get("/", summary="The program's offense catalog", responses=REFUSALS)
    async def offense_catalog(
        self, db_session: NamedDependency[AsyncSession], page_no: PageNumber = "1"
    ) -> OffensePage:
        """The offenses a referral can name, by ``offense_id``."""
        results = await paginate(db_session, services.active_offenses_query(), page_number(page_no))
        items = [
            OffenseOut(id=o.id, name=o.name, category=o.category, offense_class=o.offense_class.value)  # type: ignore[arg-type]
            for o in results.items
        ]
        return OffensePage(items=items, page=results.number, pages=results.count, total=results.total)


def api_router() -> Router:
    """The API's routes, documented in its OpenAPI document and taking keys, never sessions."""
    return Router(
        API_PATH,
        route_handlers=name_routes([ReferralApi, OffenseApi]),
        opt=PARTNER_API,
        include_in_schema=True,
        security=[{"apiKey": []}],
        exception_handlers={Exception: lambda _request, exc: problems.from_exception(exc)},
    )
