"""schemathesis explores the partner API from its own OpenAPI document, with a valid key: every
operation, positive and negative examples, on both engines. No answer may be a server error, and
every answer must match what the document declares (status, content type, body schema)."""

from __future__ import annotations

import asyncio

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select

from tests.api.partners import agency, an_offense, bearer, issue_key, referral_body
from tests.concurrency import running_server
from tests.factories import make_program
from youthcourt.audit.models import AuditEntry

EXAMPLES = 25
"""Per operation and mode: enough to reach every field's edge cases, a few seconds in all."""
CHECKS = [  # unknown query parameters are ignored, as HTTP APIs do, so no "negative data rejected" check
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def explore(base: str, key: str) -> list[str]:
    """Run every operation of the document with generated requests; the failures, as text."""
    document = httpx.get(f"{base}/api/v1/schema/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def check(case: schemathesis.Case) -> None:
                response = case.call(base_url=base, headers=bearer(key))
                case.validate_response(response, checks=CHECKS, headers=bearer(key))

            try:
                check()
            except Exception as failure:  # every operation is tried; all failures are reported together
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    return failures


async def test_the_api_answers_generated_requests_as_its_document_says(app, db):
    program = await make_program(db)
    police = await agency(db, program)
    key = await issue_key(db, police, per_minute=100_000)
    async with running_server(app) as base:
        # A referral of the agency's own, so that generated ids are not the only ones tried.
        async with httpx.AsyncClient(base_url=base) as http:
            sent = await http.post(
                "/api/v1/referrals", json=referral_body(await an_offense(db, program)), headers=bearer(key)
            )
            assert sent.status_code == 201, sent.text
        failures = await asyncio.to_thread(explore, base, key)
    assert failures == [], "\n\n".join(failures)
    calls = await db.scalar(select(func.count()).where(AuditEntry.action == "api_call"))
    assert calls > 50, "the exploration reached the API"
