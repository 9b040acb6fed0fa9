"""Comparison groups: evaluators import a de-identified CSV file whole or not at all, and delete imports."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.app.test_query_counts import counting
from tests.factories import csrf_token, form_token, make_program, make_user, sign_in_with_form
from youthcourt.audit.models import AuditEntry
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.programs.models import Program, Role
from youthcourt.reference.models import OffenseClass
from youthcourt.reports import comparison
from youthcourt.reports.models import ComparisonEvent, ComparisonImport, ComparisonRecord

URL = "/reports/comparison"
HEADER = "id,group,anchor_date,followed_until,events,age,gender,race_ethnicity,offense_class"
GOOD = (
    "\ufeff"
    + "\r\n".join(
        [
            HEADER,
            "RC-1,Regular court,2025-01-10,2026-01-10,,15,Female,Hispanic or Latino,A",
            "RC-2,Regular court,2025-02-01,2026-02-01,2025-03-04:arrest;2025-04-01:charge,16,Male,Black,B",
            "DP-7,Other diversion,2025-05-05,2025-11-05,2025-06-01:new_referral,,,,",
        ]
    )
    + "\r\n"
)
BAD = "\n".join(
    [
        HEADER,
        "RC-1,Regular court,2025-01-10,2026-01-10,,15,Female,,A",
        "RC-2,Regular court,01/02/2025,2026-02-01,,,,,",
        "RC-3,Regular court,2025-02-01,2026-02-01,2025-03-04:felony,,,,E",
        "RC-1,Regular court,2025-01-10,2026-01-10,,,,,",
    ]
)


async def evaluator_signed_in(client: Any, db: Any, program: Program | None = None) -> Program:
    program = program or await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.EVALUATOR, name="Eve Evaluator"))
    await form_token(client, URL)
    return program


async def upload(client: Any, content: bytes | str, filename: str = "regular-court.csv") -> Any:
    body = content.encode() if isinstance(content, str) else content
    return await client.post(
        URL,
        data={"_csrf_token": csrf_token(client)},
        files={"file": (filename, body, "text/csv")},
        follow_redirects=False,
    )


async def counts(db: Any) -> tuple[int, int, int]:
    return tuple(
        [
            await db.scalar(select(func.count()).select_from(model))
            for model in (ComparisonImport, ComparisonRecord, ComparisonEvent)
        ]
    )


async def audit_actions(db: Any) -> list[AuditEntry]:
    return list(
        (
            await db.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.like("comparison%"))
                .order_by(AuditEntry.occurred_at)
            )
        ).all()
    )


def comparison_inserts(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.lstrip().upper().startswith("INSERT INTO COMPARISON")]


async def test_a_good_file_is_imported_with_its_events_into_the_program(client, db, app):
    program = await evaluator_signed_in(client, db)

    with counting(app) as statements:
        response = await upload(client, GOOD)

    assert response.status_code == 303
    assert response.headers["location"] == URL
    [imported] = (await db.scalars(select(ComparisonImport))).all()
    assert (imported.program_id, imported.file_name, imported.row_count) == (
        program.id,
        "regular-court.csv",
        3,
    )
    assert imported.group_labels == "Regular court, Other diversion"
    records = {r.external_id: r for r in (await db.scalars(select(ComparisonRecord))).all()}
    assert set(records) == {"RC-1", "RC-2", "DP-7"}
    first = records["RC-1"]
    assert (first.program_id, first.import_id, first.group_label) == (
        program.id,
        imported.id,
        "Regular court",
    )
    assert (first.anchor_on, first.followed_until) == (datetime.date(2025, 1, 10), datetime.date(2026, 1, 10))
    assert (first.age_years, first.gender, first.race_ethnicity, first.offense_class) == (
        15,
        "Female",
        "Hispanic or Latino",
        OffenseClass.A,
    )
    assert records["DP-7"].age_years is None and records["DP-7"].offense_class is None
    events = (
        await db.execute(
            select(
                ComparisonEvent.record_id,
                ComparisonEvent.occurred_on,
                ComparisonEvent.event_type,
                ComparisonEvent.program_id,
            )
        )
    ).all()
    assert sorted(events, key=lambda e: e.occurred_on) == [
        (records["RC-2"].id, datetime.date(2025, 3, 4), OutcomeEventType.ARREST, program.id),
        (records["RC-2"].id, datetime.date(2025, 4, 1), OutcomeEventType.CHARGE, program.id),
        (records["DP-7"].id, datetime.date(2025, 6, 1), OutcomeEventType.NEW_REFERRAL, program.id),
    ]
    assert len(comparison_inserts(statements)) == 3, (
        "one statement each for the import, its records and their events"
    )
    [entry] = await audit_actions(db)
    assert (entry.action, entry.record_id, entry.program_id) == (
        "comparison_import",
        str(imported.id),
        program.id,
    )
    assert entry.details == {
        "file_name": "regular-court.csv",
        "row_count": 3,
        "group_labels": ["Regular court", "Other diversion"],
    }
    assert "RC-1" not in str(entry.details)

    listing = await client.get(URL)

    assert "Imported 3 records in groups Regular court, Other diversion." in listing.text
    assert "regular-court.csv" in listing.text
    assert "by Eve Evaluator" in listing.text
    assert f'action="{URL}/{imported.id}/delete"' in listing.text
    assert "hx-confirm=" in listing.text


async def test_many_rows_are_inserted_in_a_few_statements(client, db, app):
    await evaluator_signed_in(client, db)
    rows = [f"R{n},Big group,2025-01-01,2025-12-31,2025-02-01:arrest,,,," for n in range(1200)]

    with counting(app) as statements:
        response = await upload(client, "\n".join([HEADER, *rows]))

    assert response.status_code == 303
    assert await counts(db) == (1, 1200, 1200)
    assert len(comparison_inserts(statements)) <= 5


async def test_a_file_with_bad_rows_is_refused_whole_with_every_problem_listed(client, db):
    await evaluator_signed_in(client, db)

    response = await upload(client, BAD, filename="court.csv")

    assert response.status_code == 422
    text = response.text
    assert "court.csv was not imported: nothing was saved." in text
    assert "Fix these 4 problems" in text
    assert "Row 3, anchor_date: &#34;01/02/2025&#34; is not a date as YYYY-MM-DD" in text
    assert "Row 4, events: &#34;2025-03-04:felony&#34;: the type must be one of" in text
    assert "Row 4, offense_class:" in text
    assert (
        "Row 5, id: &#34;RC-1&#34; appears twice in group &#34;Regular court&#34; (first on row 2)." in text
    )
    assert await counts(db) == (0, 0, 0)
    assert await audit_actions(db) == []


async def test_only_the_first_hundred_problems_are_listed(client, db):
    await evaluator_signed_in(client, db)
    rows = [f"R{n},G,bad,2025-12-31,,,,," for n in range(130)]

    response = await upload(client, "\n".join([HEADER, *rows]))

    assert response.status_code == 422
    assert response.text.count("<li>Row ") == 100
    assert "… and 30 more problems not shown." in response.text
    assert await counts(db) == (0, 0, 0)


async def test_a_group_already_imported_is_refused_until_its_import_is_deleted(client, db):
    await evaluator_signed_in(client, db)
    assert (await upload(client, GOOD, filename="first.csv")).status_code == 303
    other = "\n".join(
        [HEADER, "X-1,Other diversion,2025-01-01,2025-06-01,,,,,", "X-2,New group,2025-01-01,2025-06-01,,,,,"]
    )

    refused = await upload(client, other, filename="second.csv")

    assert refused.status_code == 422
    assert (
        "The group &#34;Other diversion&#34; is already imported (from first.csv). Delete that import first."
        in refused.text
    )
    assert "New group" not in refused.text.split("Imported files")[0].split("was not imported")[1]
    assert await counts(db) == (1, 3, 3)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"PK\x03\x04" + bytes(200),
            "This file is a spreadsheet workbook (Excel, LibreOffice or Numbers), not a CSV file.",
        ),
        (b"%PDF-1.4\n" + bytes(50), "This file is a PDF document, not a CSV file."),
        (b"id,group\n" + bytes(50), "This is a binary file, not a CSV file."),
        ("id,group\nR1,Café\n".encode("cp1252"), "The file is not UTF-8 text"),
        (b"", "Choose a CSV file to import."),
        (b"id,name,group\nR1,Ann,G\n", "Unknown column &#34;name&#34;: remove it."),
    ],
)
async def test_files_that_are_not_comparison_csv_are_refused_with_a_clear_message(
    client, db, content, message
):
    await evaluator_signed_in(client, db)

    response = await upload(client, content, filename="" if not content else "upload.csv")

    assert response.status_code == 422
    assert message in response.text
    assert await counts(db) == (0, 0, 0)


async def test_a_file_over_the_size_limit_is_refused(client, db):
    await evaluator_signed_in(client, db)
    content = HEADER + "\n"
    content += "x" * (comparison.MAX_BYTES + 1 - len(content))
    assert len(content) == comparison.MAX_BYTES + 1

    response = await upload(client, content)

    assert response.status_code == 422
    assert f"The file is larger than {comparison.MAX_BYTES // 1024 // 1024} MB." in response.text
    assert await counts(db) == (0, 0, 0)


async def test_a_huge_request_is_refused_before_it_is_read(client, db):
    await evaluator_signed_in(client, db)

    response = await upload(client, HEADER + "\n" + "x" * comparison.MAX_REQUEST_BYTES)

    assert response.status_code == 413
    assert "The upload is too large" in response.text
    assert await counts(db) == (0, 0, 0)


async def test_delete_removes_the_import_its_records_and_events(client, db):
    program = await evaluator_signed_in(client, db)
    await upload(client, GOOD)
    imported = await db.scalar(select(ComparisonImport))
    token = csrf_token(client)

    response = await client.post(
        f"{URL}/{imported.id}/delete", data={"_csrf_token": token}, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == URL
    assert await counts(db) == (0, 0, 0)
    entries = await audit_actions(db)
    assert [e.action for e in entries] == ["comparison_import", "comparison_import_delete"]
    assert (entries[1].record_id, entries[1].program_id) == (str(imported.id), program.id)
    assert entries[1].details["row_count"] == 3
    assert entries[1].details["group_labels"] == ["Regular court", "Other diversion"]
    listing = await client.get(URL)
    assert "The import of regular-court.csv was deleted with its 3 records" in listing.text
    assert "No comparison groups imported yet." in listing.text


async def test_delete_through_htmx_redirects_the_client(client, db):
    await evaluator_signed_in(client, db)
    await upload(client, GOOD)
    imported = await db.scalar(select(ComparisonImport))

    response = await client.post(
        f"{URL}/{imported.id}/delete",
        headers={"HX-Request": "true", "x-csrftoken": csrf_token(client)},
        follow_redirects=False,
    )

    assert response.status_code == 200
    assert response.headers["hx-redirect"] == URL
    assert await counts(db) == (0, 0, 0)


async def test_another_programs_import_is_neither_listed_nor_deleted(client, db):
    other = await make_program(db)
    foreign = ComparisonImport(
        program_id=other.id, file_name="theirs.csv", row_count=0, group_labels="Theirs"
    )
    db.add(foreign)
    await db.commit()
    await evaluator_signed_in(client, db)

    listing = await client.get(URL)
    deleted = await client.post(f"{URL}/{foreign.id}/delete", data={"_csrf_token": csrf_token(client)})
    unknown = await client.post(f"{URL}/{uuid.uuid4()}/delete", data={"_csrf_token": csrf_token(client)})

    assert "theirs.csv" not in listing.text
    assert deleted.status_code == 404
    assert unknown.status_code == 404
    assert await db.scalar(select(func.count()).select_from(ComparisonImport)) == 1


async def test_the_same_group_label_may_exist_in_another_program(client, db):
    other = await make_program(db)
    foreign = ComparisonImport(
        program_id=other.id, file_name="theirs.csv", row_count=1, group_labels="Regular court"
    )
    db.add(foreign)
    await db.flush()
    db.add(
        ComparisonRecord(
            program_id=other.id,
            import_id=foreign.id,
            external_id="RC-1",
            group_label="Regular court",
            anchor_on=datetime.date(2025, 1, 1),
            followed_until=datetime.date(2025, 6, 1),
        )
    )
    await db.commit()
    await evaluator_signed_in(client, db)

    response = await upload(client, GOOD)

    assert response.status_code == 303
    assert await counts(db) == (2, 4, 3)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.JUROR, Role.PROGRAM_ADMIN])
async def test_only_evaluators_reach_comparison_groups(client, db, role):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, role))
    token = await form_token(client, "/login")

    page = await client.get(URL)
    example = await client.get(f"{URL}/example.csv")
    posted = await client.post(
        URL, data={"_csrf_token": token}, files={"file": ("a.csv", GOOD.encode(), "text/csv")}
    )

    assert (page.status_code, example.status_code, posted.status_code) == (403, 403, 403)
    assert await counts(db) == (0, 0, 0)


async def test_the_example_file_downloads_and_imports(client, db):
    await evaluator_signed_in(client, db)

    listing = await client.get(URL)
    link = re.search(r'<a href="([^"]+)" download>Download an example file</a>', listing.text)[1]
    example = await client.get(link)

    assert example.status_code == 200
    assert example.headers["content-type"] == "text/csv; charset=utf-8"
    assert example.headers["content-disposition"] == 'attachment; filename="comparison-groups-example.csv"'
    assert (await upload(client, example.content)).status_code == 303
    assert (await counts(db))[1] == len(comparison.EXAMPLE_ROWS)


async def test_the_page_explains_the_format(client, db):
    await evaluator_signed_in(client, db)

    response = await client.get(URL)

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert 'name="_csrf_token"' in response.text
    for column in comparison.COLUMN_NAMES:
        assert f"<code>{column}</code>" in response.text
    assert "Leave out names, birth dates, addresses and case or agency numbers." in response.text
    assert response.headers["cache-control"] == "no-store"
