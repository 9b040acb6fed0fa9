"""Importing and deleting comparison files without HTTP: all or nothing, and audited without rows."""

from __future__ import annotations

from litestar.datastructures import UploadFile

from tests.factories import make_program, make_user
from tests.reports.test_comparison import BAD, GOOD, audit_actions, counts
from tests.service_actors import actor_for
from youthcourt.programs.models import Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reports import comparison


def csv_upload(content: bytes | str, filename: str = "../regular-court.csv") -> UploadFile:
    body = content.encode() if isinstance(content, str) else content
    return UploadFile(content_type="text/csv", filename=filename, file_data=body)


async def evaluator(db):
    program = await make_program(db)
    user = await make_user(db, program, Role.EVALUATOR, name="Eve Evaluator")
    return program, user, actor_for(user, program, Role.EVALUATOR)


async def test_an_import_saves_every_row_and_audits_the_file_not_its_rows(db):
    program, user, actor = await evaluator(db)

    with program_scope(ProgramScope.of(program.id)):
        upload = await comparison.import_upload(db, actor, csv_upload(GOOD))
        await db.commit()

    assert (upload.rejected, upload.problems, upload.groups) == ("", None, 2)
    imported = upload.imported
    assert imported is not None
    assert (imported.program_id, imported.uploaded_by_id) == (program.id, user.id)
    assert imported.file_name == upload.file_name == "regular-court.csv", "no path parts kept"
    assert await counts(db) == (1, 3, 3)
    [entry] = await audit_actions(db)
    assert (entry.action, entry.record_id, entry.actor_id) == ("comparison_import", str(imported.id), user.id)
    assert entry.details == {
        "file_name": "regular-court.csv",
        "row_count": 3,
        "group_labels": ["Regular court", "Other diversion"],
    }
    assert "RC-1" not in str(entry.details)


async def test_a_refused_file_imports_nothing_and_says_why(db):
    program, _, actor = await evaluator(db)

    with program_scope(ProgramScope.of(program.id)):
        bad = await comparison.import_upload(db, actor, csv_upload(BAD))
        missing = await comparison.import_upload(db, actor, None)
        workbook = await comparison.import_upload(db, actor, csv_upload(b"PK\x03\x04rest", "book.xlsx"))

    assert bad.imported is None and bad.problems is not None
    assert bad.problems.total >= 3
    assert bad.file_name == "regular-court.csv"
    assert (missing.rejected, missing.imported) == (comparison.NO_FILE, None)
    assert workbook.rejected.startswith("This file is a spreadsheet workbook")
    assert await counts(db) == (0, 0, 0)
    assert await audit_actions(db) == []


async def test_a_group_imported_already_is_refused_then_accepted_once_its_import_is_deleted(db):
    program, _, actor = await evaluator(db)

    with program_scope(ProgramScope.of(program.id)):
        first = await comparison.import_upload(db, actor, csv_upload(GOOD))
        await db.commit()
        again = await comparison.import_upload(db, actor, csv_upload(GOOD))
        assert again.imported is None and again.problems is not None
        assert [str(p) for p in again.problems.shown] == [
            'The group "Regular court" is already imported (from regular-court.csv). Delete that import first.',
            'The group "Other diversion" is already imported (from regular-court.csv). Delete that import first.',
        ]
        await comparison.delete_import(db, actor, first.imported)
        await db.commit()
        assert await counts(db) == (0, 0, 0)
        third = await comparison.import_upload(db, actor, csv_upload(GOOD))
        await db.commit()

    assert third.imported is not None
    entries = await audit_actions(db)
    assert [e.action for e in entries] == [
        "comparison_import",
        "comparison_import_delete",
        "comparison_import",
    ]
    assert entries[1].record_id == str(first.imported.id)
    assert entries[1].details == entries[0].details
