"""Documents attached to a referral (police reports): checking what is uploaded.

A file is accepted only when its first bytes say it is a PDF, PNG or JPEG; its name and the
content type the browser claims are ignored. It is read in chunks, so a large upload never sits
in memory, and refused as soon as it passes 10 MB. Where its bytes are kept is the business of
:mod:`youthcourt.referrals.document_store`; they are served back only as attachments under a
generic name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from youthcourt.web.i18n import N_, _

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from youthcourt.referrals.document_store import DocumentStore

MAX_BYTES = 10 * 1024 * 1024
"""The largest document accepted: 10 MB."""
MAX_REQUEST_BYTES = MAX_BYTES + 256 * 1024
"""The upload route's body limit: the file plus room for the form's other fields; more gets a 413."""
CHUNK_BYTES = 64 * 1024
MAX_TITLE = 200

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
KIND_LABELS = {"application/pdf": N_("PDF"), "image/png": N_("PNG image"), "image/jpeg": N_("JPEG image")}
"""The kinds of file as pages name them (translated where shown)."""

NOT_ALLOWED = N_(
    "Only PDF, PNG and JPEG files can be uploaded, and this file is none of them "
    "(the file's content is checked, not its name)."
)
TOO_LARGE_MESSAGE = N_("The file is larger than %(mb)s MB. Upload a smaller or compressed copy.")
MAX_MB = MAX_BYTES // (1024 * 1024)
TOO_LARGE = TOO_LARGE_MESSAGE % {"mb": MAX_MB}
"""The message in English; :func:`store` raises it in the active language."""
EMPTY = N_("The file is empty. Choose the document again.")


class UploadRejected(ValueError):
    """The file cannot be accepted; the message says why, in words the user can act on, in the
    active language."""


@dataclass(frozen=True)
class StoredFile:
    """An accepted upload: the name its store gave its bytes, and what they were found to be."""

    stored_name: str
    content_type: str
    size_bytes: int
    sha256: str


def sniff(head: bytes) -> str | None:
    """The content type the file's first bytes prove, or ``None``."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def clean_title(raw: str) -> str:
    """A title safe to show and store: no path parts, no control characters, at most 200 characters.

    "../../etc/passwd" becomes "etc passwd"; names are only ever labels, never paths.
    """
    text = unicodedata.normalize("NFC", raw)
    text = "".join(" " if unicodedata.category(ch).startswith(("C", "Z")) else ch for ch in text)
    parts = re.split(r"[/\\]+", text)
    kept = [part.strip().lstrip(".").strip() for part in parts]
    text = " ".join(part for part in kept if part)
    return re.sub(r"\s+", " ", text).strip()[:MAX_TITLE].strip()


def download_name(document_id: UUID, content_type: str) -> str:
    """A generic file name for downloads: it reveals nothing about the young person."""
    return f"document-{document_id.hex[:8]}.{EXTENSIONS.get(content_type, 'bin')}"


async def store(upload: Any, documents: DocumentStore, db: AsyncSession, program_id: UUID) -> StoredFile:
    """Check an uploaded file (Litestar ``UploadFile``) chunk by chunk while ``documents`` keeps it.

    Raises :class:`UploadRejected`, with nothing kept, when the file is empty, is not a PDF,
    PNG or JPEG, or is larger than :data:`MAX_BYTES`.
    """
    head = await upload.read(CHUNK_BYTES)
    if not head:
        raise UploadRejected(_(EMPTY))
    content_type = sniff(head)
    if content_type is None:
        raise UploadRejected(_(NOT_ALLOWED))
    digest = hashlib.sha256()
    size = 0

    async def checked() -> AsyncIterator[bytes]:
        nonlocal size
        chunk = head
        while chunk:
            size += len(chunk)
            if size > MAX_BYTES:
                raise UploadRejected(_(TOO_LARGE_MESSAGE, mb=MAX_MB))
            digest.update(chunk)
            yield chunk
            chunk = await upload.read(CHUNK_BYTES)

    stored_name = await documents.save(db, program_id, checked())
    return StoredFile(stored_name, content_type, size, digest.hexdigest())
