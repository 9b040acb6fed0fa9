"""The application factory: settings, database, templates, security, and every area's routes."""

from __future__ import annotations

import logging

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.logging import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.plugins.htmx import HTMXPlugin, HTMXRequest
from litestar.static_files import create_static_files_router

from youthcourt import audit_records
from youthcourt.accounts.controllers import (
    AccountController,
    SignInController,
    UserAdminController,
    change_password_redirect,
)
from youthcourt.accounts.mfa_controllers import CodeStepController, MfaController, code_required_redirect
from youthcourt.accounts.program_admin import ProgramAdminController
from youthcourt.accounts.sessions import SessionMiddleware
from youthcourt.audit.controllers import AuditController
from youthcourt.audit.refusals import refusal_audit
from youthcourt.audit.service import provide_actor
from youthcourt.cases import controllers as cases
from youthcourt.closure import case_sections as closure_sections
from youthcourt.closure import controllers as closure
from youthcourt.coproduction import controllers as coproduction
from youthcourt.dashboard import controllers as dashboard
from youthcourt.database import create_database_config
from youthcourt.favicon import favicon
from youthcourt.health import health
from youthcourt.hearings import case_sections as hearing_sections
from youthcourt.hearings import controllers as hearings
from youthcourt.home import HomeController
from youthcourt.imports import controllers as imports
from youthcourt.jurors import account_notices, enrollment, night_changes
from youthcourt.jurors import controllers as jurors
from youthcourt.outcomes import case_sections as outcome_sections
from youthcourt.outcomes import controllers as outcomes
from youthcourt.outcomes import study
from youthcourt.partners import api as partner_api
from youthcourt.partners import controllers as partners
from youthcourt.partners.access import ApiKeyMiddleware
from youthcourt.partners.docs import openapi_config
from youthcourt.programs.guards import PUBLIC, CodeRequired, PasswordChangeRequired, require_sign_in
from youthcourt.reference import controllers as reference
from youthcourt.referrals import controllers as referrals
from youthcourt.reports import controllers as reports
from youthcourt.respondents import case_sections as respondent_sections
from youthcourt.respondents import controllers as respondents
from youthcourt.sanctions import case_sections as sanction_sections
from youthcourt.sanctions import controllers as sanctions
from youthcourt.sealing import case_sections as sealing_sections
from youthcourt.sealing import controllers as sealing
from youthcourt.settings import PACKAGE_DIR, Settings, get_settings
from youthcourt.sites import controllers as sites
from youthcourt.surveys import case_sections as survey_sections
from youthcourt.surveys import controllers as surveys
from youthcourt.web.admission import AdmissionMiddleware, Door
from youthcourt.web.errors import error_page, sign_in_redirect
from youthcourt.web.flash import FlashMiddleware
from youthcourt.web.headers import add_no_store, security_headers
from youthcourt.web.heap import freeze_startup_objects, thaw_startup_objects
from youthcourt.web.idempotency import OnceMiddleware
from youthcourt.web.logging import redact_access_log
from youthcourt.web.query import refuse_nul_characters
from youthcourt.web.routes import name_routes
from youthcourt.web.static import FILE_PATHS, StaticHeadersMiddleware
from youthcourt.web.templating import create_template_config, link_templates_to


def register_case_sections() -> None:
    """Areas above cases add their parts of the case page (see ``cases/sections.py``) and listen for
    dispositions (the juror program enrolls respondents sentenced to jury duty) and referral decisions
    (a study's declined or returned referrals are followed up)."""
    for area in (
        hearing_sections,
        sanction_sections,
        respondent_sections,
        closure_sections,
        outcome_sections,
        sealing_sections,
        survey_sections,
    ):
        area.register()
    enrollment.register()
    account_notices.register()
    night_changes.register()
    study.register()


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    register_case_sections()
    audit_records.register()
    redact_access_log()
    database = create_database_config(settings)
    session_maker = database.create_session_maker()
    static_files = create_static_files_router(
        path="/static",
        directories=[PACKAGE_DIR / "static"],
        opt=PUBLIC,
        include_in_schema=False,
        middleware=[DefineMiddleware(StaticHeadersMiddleware, production=settings.is_production)],
    )
    app = Litestar(
        # Only the partner API is documented: every other route is left out of the schema.
        openapi_config=openapi_config(version="1.0"),
        include_in_schema=False,
        route_handlers=name_routes(
            [
                static_files,
                favicon,
                health,
                HomeController,
                SignInController,
                CodeStepController,
                AccountController,
                MfaController,
                UserAdminController,
                ProgramAdminController,
                AuditController,
                *reference.ROUTES,
                *partners.ROUTES,
                *imports.ROUTES,
                *referrals.ROUTES,
                *cases.ROUTES,
                *hearings.ROUTES,
                *sanctions.ROUTES,
                *closure.ROUTES,
                *dashboard.ROUTES,
                *jurors.ROUTES,
                *outcomes.ROUTES,
                *reports.ROUTES,
                *sealing.ROUTES,
                *coproduction.ROUTES,
                *sites.ROUTES,
                partner_api.api_router(),
                *respondents.ROUTES,
                *surveys.ROUTES,
            ]
        ),
        plugins=[SQLAlchemyPlugin(config=database), HTMXPlugin()],
        request_class=HTMXRequest,
        template_config=create_template_config(),
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="youthcourt_csrf",
            cookie_secure=settings.is_production,
            cookie_samesite="lax",
            header_name="x-csrftoken",
            # publicly cached files must not set a cookie; the API takes keys, never cookies
            exclude=["/health", *FILE_PATHS, "^/api/v1/"],
        ),
        middleware=[
            DefineMiddleware(AdmissionMiddleware, door=Door()),
            DefineMiddleware(FlashMiddleware, secret=settings.secret_key, secure=settings.is_production),
            DefineMiddleware(SessionMiddleware, database=database, settings=settings),
            DefineMiddleware(ApiKeyMiddleware, database=database, settings=settings),
            refusal_audit,
            DefineMiddleware(OnceMiddleware, database=database),
        ],
        guards=[refuse_nul_characters, require_sign_in],
        dependencies={"actor": Provide(provide_actor, sync_to_thread=False)},
        after_request=add_no_store,
        response_headers=security_headers(settings.is_production),
        exception_handlers={
            PasswordChangeRequired: change_password_redirect,
            CodeRequired: code_required_redirect,
            NotAuthorizedException: sign_in_redirect,
            **sealing.EXCEPTION_HANDLERS,
            Exception: error_page,
        },
        logging_config=LoggingConfig(
            root={"level": "INFO", "handlers": ["queue_listener"]},
            loggers={"youthcourt": {"level": "INFO"}},
            log_exceptions="debug",
        ),
        on_startup=[freeze_startup_objects],
        on_shutdown=[thaw_startup_objects],
        state=State({"settings": settings, "session_maker": session_maker, "database": database}),
        debug=False,
    )
    link_templates_to(app)
    return app


logging.getLogger("aiosqlite").setLevel(logging.WARNING)
