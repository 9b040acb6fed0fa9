"""The two document stores: what one keeps, it serves and removes; a failed save keeps nothing."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.documents import STORES, keep, kept_bytes, kept_names
from tests.factories import make_program, make_referral
from youthcourt import cli
from youthcourt.database import create_database_config
from youthcourt.referrals import document_store
from youthcourt.referrals.models import Document
from youthcourt.settings import get_settings

CONTENT = b"%PDF-1.7\n" + bytes(range(256)) * 4000


async def document_of(db, referral, stored_name: str, content: bytes = CONTENT) -> Document:
    """The document of bytes just kept (in the same transaction: their rows need it at the commit)."""
    document = Document(
        program_id=referral.program_id,
        referral_id=referral.id,
        title="Police report",
        stored_name=stored_name,
        content_type="application/pdf",
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    db.add(document)
    await db.commit()
    return document


@pytest.mark.parametrize("store", STORES)
async def test_a_store_keeps_serves_and_removes_a_document(db, settings, tmp_path, store):
    settings = replace(settings, data_dir=tmp_path, document_store=store)
    documents = document_store.for_settings(settings)
    program = await make_program(db)
    referral = await make_referral(db, program)
    kept = await document_of(db, referral, await keep(db, settings, program.id, CONTENT))
    other = await document_of(db, referral, await keep(db, settings, program.id, b"%PDF-1.4 other"))

    assert await kept_bytes(db, settings, kept) == CONTENT
    assert await documents.download(db, kept) is not None

    assert await documents.remove(db, [kept]) == 1
    await db.commit()

    assert await kept_bytes(db, settings, kept) is None
    assert await documents.download(db, kept) is None
    assert await kept_names(db, settings) == [other.stored_name]
    assert await documents.remove(db, [kept]) == 0, "removing again finds nothing"


@pytest.mark.parametrize("store", STORES)
async def test_a_save_that_fails_part_way_keeps_nothing(db, settings, tmp_path, store):
    settings = replace(settings, data_dir=tmp_path, document_store=store)
    program = await make_program(db)

    async def broken() -> AsyncIterator[bytes]:
        yield b"%PDF" + bytes(document_store.ROW_BYTES * 2)
        raise ValueError("the upload was cut off")

    with pytest.raises(ValueError, match="cut off"):
        await document_store.for_settings(settings).save(db, program.id, broken())
    await db.commit()

    assert await kept_names(db, settings) == []


async def test_database_rows_cannot_outlive_or_precede_their_document(db, settings):
    """The rows belong to their document: deleting it deletes them; without it they cannot be saved."""
    settings = replace(settings, document_store="database")
    program = await make_program(db)
    referral = await make_referral(db, program)
    document = await document_of(db, referral, await keep(db, settings, program.id, CONTENT))

    await db.delete(document)
    await db.commit()
    assert await kept_names(db, settings) == []

    await keep(db, settings, program.id, CONTENT)
    with pytest.raises(IntegrityError):
        await db.commit()
    await db.rollback()
    assert await kept_names(db, settings) == []


@pytest.fixture
def environment(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("YOUTHCOURT_DATABASE_URL", database_url)
    monkeypatch.setenv("YOUTHCOURT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("YOUTHCOURT_DOCUMENT_STORE", "database")
    monkeypatch.delenv("YOUTHCOURT_ENV", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_documents_kept_in_the_folder_are_copied_into_the_database_once(environment, settings, tmp_path):
    folder = replace(settings, data_dir=tmp_path, document_store="folder")
    database = replace(folder, document_store="database")

    async def prepare() -> list[Document]:
        config = create_database_config(settings)
        try:
            async with config.get_session() as db:
                program = await make_program(db)
                referral = await make_referral(db, program)
                found = [await document_of(db, referral, await keep(db, folder, program.id, CONTENT))]
                damaged = await document_of(db, referral, await keep(db, folder, program.id, b"%PDF-1.4 x"))
                document_store.FolderStore(folder.upload_dir).path(
                    program.id, damaged.stored_name
                ).write_bytes(b"%PDF-1.4 changed")
                found.append(damaged)
                found.append(await document_of(db, referral, document_store.new_name()))
                return found
        finally:
            await config.get_engine().dispose()

    async def in_database() -> list[bytes | None]:
        config = create_database_config(settings)
        try:
            async with config.get_session() as db:
                rows = (await db.scalars(select(Document).order_by(Document.created_at))).all()
                return [await kept_bytes(db, database, document) for document in rows]
        finally:
            await config.get_engine().dispose()

    asyncio.run(prepare())
    first = CliRunner().invoke(cli.documents_to_database)
    second = CliRunner().invoke(cli.documents_to_database)

    assert first.exit_code == 0, first.output
    assert "Documents copied into the database: 1. Already there: 0." in first.output
    assert "Not copied: 1 with no file" in first.output and "1 whose file does not match" in first.output
    assert "Documents copied into the database: 0. Already there: 1." in second.output
    assert asyncio.run(in_database()) == [CONTENT, None, None]
