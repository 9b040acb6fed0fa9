"""Documents attached to a referral (police reports): checking, storing and finding uploaded files.

A file is accepted only when its first bytes say it is a PDF, PNG or JPEG; its name and the
content type the browser claims are ignored. Files are stored outside the web root under
``<upload dir>/<program id>/<random hex>`` with mode 0600, read and written in chunks so a
large upload never sits in memory, and served back only as attachments under a generic name.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID, uuid4

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
KIND_LABELS = {"application/pdf": "PDF", "image/png": "PNG image", "image/jpeg": "JPEG image"}
_STORED_NAME = re.compile(r"[0-9a-f]{32}")

NOT_ALLOWED = (
    "Only PDF, PNG and JPEG files can be uploaded, and this file is none of them "
    "(the file's content is checked, not its name)."
)
TOO_LARGE = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Upload a smaller or compressed copy."


class UploadRejected(ValueError):
    """The file cannot be accepted; the message says why, in words the user can act on."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    path: Path
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


def program_folder(upload_dir: Path, program_id: UUID) -> Path:
    return upload_dir / str(program_id)


def stored_path(upload_dir: Path, program_id: UUID, stored_name: str) -> Path | None:
    """Where a stored document lives; ``None`` for a name this module did not generate or a missing file."""
    if not _STORED_NAME.fullmatch(stored_name):
        return None
    path = program_folder(upload_dir, program_id) / stored_name
    return path if path.is_file() else None


def download_name(document_id: UUID, content_type: str) -> str:
    """A generic file name for downloads: it reveals nothing about the young person."""
    return f"document-{document_id.hex[:8]}.{EXTENSIONS.get(content_type, 'bin')}"


async def store(upload: Any, folder: Path) -> StoredFile:
    """Check and write an uploaded file (Litestar ``UploadFile``) chunk by chunk.

    Raises :class:`UploadRejected` with nothing left on disk when the file is empty, is not a
    PDF, PNG or JPEG, or is larger than :data:`MAX_BYTES`.
    """
    head = await upload.read(CHUNK_BYTES)
    if not head:
        raise UploadRejected("The file is empty. Choose the document again.")
    content_type = sniff(head)
    if content_type is None:
        raise UploadRejected(NOT_ALLOWED)
    path, out = _create(folder)
    digest = hashlib.sha256()
    size = 0
    try:
        with out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > MAX_BYTES:
                    raise UploadRejected(TOO_LARGE)
                digest.update(chunk)
                out.write(chunk)
                chunk = await upload.read(CHUNK_BYTES)
    except BaseException:
        _remove(path)
        raise
    return StoredFile(path.name, path, content_type, size, digest.hexdigest())


def _create(folder: Path) -> tuple[Path, BinaryIO]:
    """A new file under a random name, readable and writable by this process's user only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / uuid4().hex
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)
    return path, os.fdopen(descriptor, "wb")


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def discard(stored: StoredFile) -> None:
    """Remove a stored file whose database record could not be saved."""
    _remove(stored.path)
