"""Where the bytes of uploaded documents are kept: a folder on this server, or the database.

Two stores with one interface, chosen by ``YOUTHCOURT_DOCUMENT_STORE`` (see ``settings.py``):

- :class:`FolderStore` keeps each document as a file ``<data dir>/uploads/<program id>/<name>``
  with mode 0600, outside the web root. Only the server that holds the folder sees it: the
  embedded default, for one server on SQLite.
- :class:`DatabaseStore` keeps each document as :class:`DocumentChunk` rows of 256 KB, written
  in the transaction that saves the document and read back one row at a time while the download
  is sent, so no side holds a whole file in memory. Every app server that uses the database sees
  them, and the database's backup holds them: PostgreSQL's default.

Everything that writes, reads, deletes or backs up document bytes goes through here: uploading
(:func:`youthcourt.referrals.uploads.store`), downloading, expunging and ``youthcourt backup``.
Names are random (:func:`new_name`), never chosen by the person uploading.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from uuid import UUID, uuid4

from litestar import Request, Response
from litestar.response import File, Stream
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.clock import utc_now
from youthcourt.referrals.models import Document, DocumentChunk
from youthcourt.referrals.uploads import download_name
from youthcourt.settings import Settings

ROW_BYTES = 256 * 1024
"""The size of each row of a document kept in the database (the last one is smaller)."""
DOWNLOAD_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
_NAME = re.compile(r"[0-9a-f]{32}")


def new_name() -> str:
    return uuid4().hex


class DocumentStore(Protocol):
    async def save(self, db: AsyncSession, program_id: UUID, chunks: AsyncIterator[bytes]) -> str:
        """Keep the bytes ``chunks`` yields; returns their new ``stored_name``.

        When ``chunks`` raises, nothing is kept and the error goes on.
        """
        ...

    async def discard(self, program_id: UUID, stored_name: str) -> None:
        """Forget bytes whose document could not be saved (its transaction is being rolled back)."""
        ...

    async def download(self, db: AsyncSession, document: Document) -> Response[Any] | None:
        """The document as an attachment under a generic name; ``None`` when its bytes are gone."""
        ...

    async def remove(self, db: AsyncSession, documents: Sequence[Document]) -> int:
        """Delete the bytes of ``documents``; returns how many of them had any."""
        ...


def for_settings(
    settings: Settings, session_maker: Callable[[], AsyncSession] | None = None
) -> DocumentStore:
    """The store the settings choose. Downloads from the database read through ``session_maker``."""
    if settings.documents_in_database:
        return DatabaseStore(session_maker)
    return FolderStore(settings.upload_dir)


def for_request(request: Request[Any, Any, Any]) -> DocumentStore:
    state = request.app.state
    return for_settings(state.settings, state.session_maker)


def backup_folder(settings: Settings) -> Path | None:
    """The folder ``youthcourt backup`` archives beside the database; none when the database holds them."""
    return None if settings.documents_in_database else settings.upload_dir


def _attachment(document: Document) -> str:
    return f'attachment; filename="{download_name(document.id, document.content_type)}"'


# A folder on this server ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FolderStore:
    upload_dir: Path

    def path(self, program_id: UUID, stored_name: str) -> Path | None:
        """Where a document's file is; ``None`` for a name this module did not make, or no file."""
        if not _NAME.fullmatch(stored_name):
            return None
        path = self.upload_dir / str(program_id) / stored_name
        return path if path.is_file() else None

    async def save(self, db: AsyncSession, program_id: UUID, chunks: AsyncIterator[bytes]) -> str:
        path, out = _create(self.upload_dir / str(program_id))
        try:
            with out:
                async for chunk in chunks:
                    out.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path.name

    async def discard(self, program_id: UUID, stored_name: str) -> None:
        if path := self.path(program_id, stored_name):
            path.unlink(missing_ok=True)

    async def download(self, db: AsyncSession, document: Document) -> Response[Any] | None:
        path = self.path(document.program_id, document.stored_name)
        if path is None:
            return None
        return File(
            path=path,
            filename=download_name(document.id, document.content_type),
            media_type=document.content_type,
            content_disposition_type="attachment",
            headers=DOWNLOAD_HEADERS,
        )

    async def remove(self, db: AsyncSession, documents: Sequence[Document]) -> int:
        removed = 0
        for document in documents:
            if path := self.path(document.program_id, document.stored_name):
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def _create(folder: Path) -> tuple[Path, BinaryIO]:
    """A new file under a random name, readable and writable by this process's user only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / new_name()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)
    return path, os.fdopen(descriptor, "wb")


# The database ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseStore:
    session_maker: Callable[[], AsyncSession] | None = None
    """Sessions for reading a download's rows after the request's own session has closed."""

    async def save(self, db: AsyncSession, program_id: UUID, chunks: AsyncIterator[bytes]) -> str:
        stored_name = new_name()
        await self.write(db, program_id, stored_name, chunks)
        return stored_name

    async def write(
        self, db: AsyncSession, program_id: UUID, stored_name: str, chunks: AsyncIterator[bytes]
    ) -> None:
        """Keep the bytes under ``stored_name``, in rows of :data:`ROW_BYTES`; none when ``chunks`` raises."""
        pending = bytearray()
        seq = 0
        try:
            async for chunk in chunks:
                pending += chunk
                while len(pending) >= ROW_BYTES:
                    await _insert_row(db, program_id, stored_name, seq, bytes(pending[:ROW_BYTES]))
                    del pending[:ROW_BYTES]
                    seq += 1
            if pending or seq == 0:
                await _insert_row(db, program_id, stored_name, seq, bytes(pending))
        except Exception:
            # The caller may still commit (a refused upload re-shows its form): take the rows back.
            with suppress(SQLAlchemyError):
                await db.execute(delete(DocumentChunk).where(DocumentChunk.stored_name == stored_name))
            raise

    async def discard(self, program_id: UUID, stored_name: str) -> None:
        """Nothing to do: the rows were written in the transaction that is rolled back."""

    async def download(self, db: AsyncSession, document: Document) -> Response[Any] | None:
        first = await db.scalar(_row(document.stored_name, 0))
        if first is None:
            return None
        return Stream(
            self._rows(document.stored_name, first),
            media_type=document.content_type,
            headers={
                **DOWNLOAD_HEADERS,
                "Content-Disposition": _attachment(document),
                "Content-Length": str(document.size_bytes),
            },
        )

    async def _rows(self, stored_name: str, first: bytes) -> AsyncIterator[bytes]:
        """The document's rows in order, each read in a short session of its own while the last is sent."""
        assert self.session_maker is not None, "downloads from the database need a session maker"
        yield first
        seq = 1
        while True:
            async with self.session_maker() as db:
                data = await db.scalar(_row(stored_name, seq))
            if data is None:
                return
            yield data
            seq += 1

    async def remove(self, db: AsyncSession, documents: Sequence[Document]) -> int:
        names = [document.stored_name for document in documents]
        if not names:
            return 0
        kept = set(
            (
                await db.scalars(
                    select(DocumentChunk.stored_name).where(
                        DocumentChunk.stored_name.in_(names), DocumentChunk.seq == 0
                    )
                )
            ).all()
        )
        await db.execute(delete(DocumentChunk).where(DocumentChunk.stored_name.in_(names)))
        return len(kept)


def _row(stored_name: str, seq: int) -> Any:
    return select(DocumentChunk.data).where(
        DocumentChunk.stored_name == stored_name, DocumentChunk.seq == seq
    )


async def _insert_row(db: AsyncSession, program_id: UUID, stored_name: str, seq: int, data: bytes) -> None:
    """One row, sent at once (not kept in the session), so the document never sits in memory whole."""
    now = utc_now()
    await db.execute(
        insert(DocumentChunk).values(
            id=uuid4(),
            program_id=program_id,
            stored_name=stored_name,
            seq=seq,
            data=data,
            created_at=now,
            updated_at=now,
        )
    )


# Moving from the folder to the database --------------------------------------------------------------------


@dataclass
class Copied:
    """What copying the folder's documents into the database came to, in documents."""

    copied: int = 0
    already: int = 0
    missing: int = 0
    damaged: int = 0


async def copy_folder_to_database(db: AsyncSession, upload_dir: Path) -> Copied:
    """Copy into the database every document whose bytes are in the folder only; commits each one.

    For an installation that kept documents in the folder and now keeps them in the database
    (PostgreSQL's default). A file whose SHA-256 is not its document's is left out (damaged), as
    is a document with no file (missing). The files stay where they are; running it again copies
    only what is still missing from the database.
    """
    folder, database = FolderStore(upload_dir), DatabaseStore()
    result = Copied()
    in_database = set(
        (await db.scalars(select(DocumentChunk.stored_name).where(DocumentChunk.seq == 0))).all()
    )
    query = select(Document.program_id, Document.stored_name, Document.sha256).order_by(Document.created_at)
    for program_id, stored_name, sha256 in (await db.execute(query)).all():
        if stored_name in in_database:
            result.already += 1
            continue
        path = folder.path(program_id, stored_name)
        if path is None:
            result.missing += 1
        elif _sha256_of(path) != sha256:
            result.damaged += 1
        else:
            await database.write(db, program_id, stored_name, _file_chunks(path))
            await db.commit()
            result.copied += 1
    return result


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(ROW_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as file:
        while chunk := file.read(ROW_BYTES):
            yield chunk
