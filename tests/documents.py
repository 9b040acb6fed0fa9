"""Documents' bytes in tests: kept, found and chosen through the app's own store, whichever it is."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any
from uuid import UUID

from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.referrals import document_store
from youthcourt.referrals.models import Document, DocumentChunk
from youthcourt.settings import DOCUMENT_STORES, Settings

STORES = DOCUMENT_STORES
"""Both stores, for tests parametrized over them."""


def use_store(app: Litestar, store: str) -> Settings:
    """Serve documents from ``store`` for the rest of the test; the settings the app then has."""
    app.state.settings = replace(app.state.settings, document_store=store)
    return app.state.settings


async def keep(db: AsyncSession, settings: Settings, program_id: UUID, content: bytes) -> str:
    """Keep ``content`` as the app would; its ``stored_name``. Add its document before committing."""

    async def chunks() -> AsyncIterator[bytes]:
        yield content

    return await document_store.for_settings(settings).save(db, program_id, chunks())


async def kept_names(db: AsyncSession, settings: Settings) -> list[str]:
    """The names of every document whose bytes the settings' store holds."""
    if settings.documents_in_database:
        rows = await db.scalars(select(DocumentChunk.stored_name).where(DocumentChunk.seq == 0))
        return sorted(rows.all())
    folder = settings.upload_dir
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


async def kept_bytes(db: AsyncSession, settings: Settings, document: Document | Any) -> bytes | None:
    """A document's bytes as the settings' store holds them; ``None`` when it holds none."""
    if settings.documents_in_database:
        rows = await db.scalars(
            select(DocumentChunk.data)
            .where(DocumentChunk.stored_name == document.stored_name)
            .order_by(DocumentChunk.seq)
        )
        pieces = rows.all()
        return b"".join(pieces) if pieces else None
    path = document_store.FolderStore(settings.upload_dir).path(document.program_id, document.stored_name)
    return path.read_bytes() if path else None
