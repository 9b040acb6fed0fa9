"""Documents on a referral: only real PDF, PNG and JPEG files, at most 10 MB, downloaded only in the program."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.documents import STORES, kept_bytes, kept_names, use_store
from tests.factories import (
    csrf_token,
    form_token,
    make_program,
    make_referral,
    make_user,
    sign_in_with_form,
)
from youthcourt.audit.models import AuditEntry
from youthcourt.programs.models import Program, Role
from youthcourt.referrals import document_store, uploads
from youthcourt.referrals.models import Document, DocumentChunk, Referral
from youthcourt.reports.models import ComparisonImport

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + os.urandom(3000) + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(500)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(500)
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + os.urandom(500)


async def coordinator_with_referral(client: Any, db: Any, program: Program | None = None) -> Referral:
    program = program or await make_program(db)
    referral = await make_referral(db, program)
    await sign_in_with_form(client, await make_user(db, program, Role.COORDINATOR))
    await form_token(client, f"/referrals/{referral.id}")
    return referral


async def upload(
    client: Any,
    referral_id: Any,
    content: bytes,
    *,
    filename: str = "report.pdf",
    title: str = "Police report",
) -> Any:
    return await client.post(
        f"/referrals/{referral_id}/documents",
        data={"title": title, "_csrf_token": csrf_token(client)},
        files={"file": (filename, content, "application/pdf")},
        follow_redirects=False,
    )


async def documents(db: Any) -> list[Document]:
    return list((await db.scalars(select(Document))).all())


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [(PDF, "application/pdf", "pdf"), (PNG, "image/png", "png"), (JPEG, "image/jpeg", "jpg")],
)
async def test_document_is_stored_and_downloaded_byte_identical(
    app, client, db, store, content, content_type, extension
):
    settings = use_store(app, store)
    referral = await coordinator_with_referral(client, db)

    response = await upload(client, referral.id, content, filename="scan.bin")

    assert response.status_code == 303
    assert response.headers["location"] == f"/referrals/{referral.id}#documents"
    [document] = await documents(db)
    assert (document.referral_id, document.program_id) == (referral.id, referral.program_id)
    assert document.content_type == content_type
    assert document.size_bytes == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.title == "Police report"
    assert re.fullmatch(r"[0-9a-f]{32}", document.stored_name)
    assert await kept_bytes(db, settings, document) == content
    if store == "folder":
        path = settings.upload_dir / str(referral.program_id) / document.stored_name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    page = await client.get(f"/referrals/{referral.id}")
    link = f"/referrals/{referral.id}/documents/{document.id}"
    assert link in page.text and "Police report" in page.text

    download = await client.get(link)

    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"] == content_type
    assert download.headers["content-length"] == str(len(content))
    assert (
        download.headers["content-disposition"]
        == f'attachment; filename="document-{document.id.hex[:8]}.{extension}"'
    )
    assert download.headers["cache-control"] == "no-store"
    assert download.headers["x-content-type-options"] == "nosniff"
    actions = (
        await db.scalars(select(AuditEntry.action).where(AuditEntry.record_id == str(document.id)))
    ).all()
    assert set(actions) == {"document_upload", "document_download"}


async def test_disguised_file_is_rejected_and_nothing_is_kept(client, db, settings):
    referral = await coordinator_with_referral(client, db)

    response = await upload(client, referral.id, EXE, filename="police-report.pdf", title="Kept title")

    assert response.status_code == 422
    assert "Only PDF, PNG and JPEG files can be uploaded" in response.text
    assert 'value="Kept title"' in response.text
    assert await documents(db) == []
    assert await kept_names(db, settings) == []


async def test_oversized_file_is_rejected_and_nothing_is_kept(client, db, settings):
    referral = await coordinator_with_referral(client, db)
    too_big = b"%PDF-1.7\n" + b"0" * uploads.MAX_BYTES

    response = await upload(client, referral.id, too_big)

    assert response.status_code == 422
    assert "larger than 10 MB" in response.text
    assert await documents(db) == []
    assert await kept_names(db, settings) == []


async def test_file_of_exactly_the_limit_is_accepted(client, db):
    referral = await coordinator_with_referral(client, db)
    at_limit = b"%PDF-1.7\n" + b"0" * (uploads.MAX_BYTES - 9)

    response = await upload(client, referral.id, at_limit)

    assert response.status_code == 303
    assert (await documents(db))[0].size_bytes == uploads.MAX_BYTES


async def test_huge_request_body_is_refused_before_it_is_read(client, db, settings):
    referral = await coordinator_with_referral(client, db)

    response = await upload(client, referral.id, b"%PDF-" + b"0" * (uploads.MAX_REQUEST_BYTES + 1))

    assert response.status_code == 413
    assert await documents(db) == []
    assert await kept_names(db, settings) == []


@pytest.mark.parametrize("store", STORES)
async def test_a_large_document_comes_back_whole_and_in_pieces(app, client, db, store):
    use_store(app, store)
    referral = await coordinator_with_referral(client, db)
    content = b"%PDF-1.7\n" + os.urandom(3 * document_store.ROW_BYTES + 12345)

    assert (await upload(client, referral.id, content)).status_code == 303
    [document] = await documents(db)
    async with client.stream("GET", f"/referrals/{referral.id}/documents/{document.id}") as download:
        pieces = [piece async for piece in download.aiter_raw()]

    assert download.status_code == 200
    assert b"".join(pieces) == content
    assert download.headers["content-length"] == str(len(content))
    if store == "database":
        rows = await db.scalars(
            select(func.length(DocumentChunk.data))
            .where(DocumentChunk.stored_name == document.stored_name)
            .order_by(DocumentChunk.seq)
        )
        assert rows.all() == [document_store.ROW_BYTES] * 3 + [12345 + 9]


async def test_empty_or_missing_file_and_empty_title_are_explained(client, db, settings):
    referral = await coordinator_with_referral(client, db)

    empty = await upload(client, referral.id, b"")
    untitled = await upload(client, referral.id, PDF, title="  ")
    no_file = await client.post(
        f"/referrals/{referral.id}/documents",
        data={"title": "Police report", "_csrf_token": csrf_token(client)},
        files={"other": ("x.txt", b"x", "text/plain")},
        follow_redirects=False,
    )

    assert empty.status_code == untitled.status_code == no_file.status_code == 422
    assert "The file is empty" in empty.text
    assert "Enter a title for the document" in untitled.text
    assert "Choose a PDF, PNG or JPEG file to upload." in no_file.text
    assert await documents(db) == []
    assert await kept_names(db, settings) == []


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("../../etc/passwd", "etc passwd"),
        ("..\\..\\windows\\system32", "windows system32"),
        ("report\x00.pdf\n", "report.pdf"),
        ("x" * 300, "x" * 200),
    ],
)
async def test_path_like_titles_are_neutralised(client, db, settings, typed, kept):
    referral = await coordinator_with_referral(client, db)

    response = await upload(client, referral.id, PDF, filename="../../../../tmp/evil.pdf", title=typed)

    assert response.status_code == 303
    [document] = await documents(db)
    assert document.title == kept
    assert "/" not in document.title and "\\" not in document.title
    assert await kept_names(db, settings) == [document.stored_name]


async def test_only_dots_and_slashes_is_not_a_title(client, db, settings):
    referral = await coordinator_with_referral(client, db)

    response = await upload(client, referral.id, PDF, title="../..//")

    assert response.status_code == 422
    assert "not a file path" in response.text
    assert await kept_names(db, settings) == []


async def test_other_programs_and_other_roles_cannot_download(client, db):
    referral = await coordinator_with_referral(client, db)
    await upload(client, referral.id, PDF)
    [document] = await documents(db)
    link = f"/referrals/{referral.id}/documents/{document.id}"
    other_referral = await make_referral(db, await db.get(Program, referral.program_id))

    assert (await client.get(f"/referrals/{other_referral.id}/documents/{document.id}")).status_code == 404
    assert (await client.get(f"/referrals/{referral.id}/documents/{uuid.uuid4()}")).status_code == 404

    client.cookies.clear()
    await sign_in_with_form(client, await make_user(db, await make_program(db), Role.COORDINATOR))
    assert (await client.get(link)).status_code == 404
    foreign_upload = await client.post(
        f"/referrals/{referral.id}/documents",
        data={"title": "x", "_csrf_token": await form_token(client, "/referrals")},
        files={"file": ("a.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert foreign_upload.status_code == 404

    client.cookies.clear()
    await sign_in_with_form(
        client, await make_user(db, await db.get(Program, referral.program_id), Role.JUROR)
    )
    assert (await client.get(link)).status_code == 403
    downloads = await db.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "document_download")
    )
    assert downloads == 0


@pytest.mark.parametrize("store", STORES)
async def test_a_document_whose_bytes_are_gone_is_not_found(app, client, db, store):
    settings = use_store(app, store)
    referral = await coordinator_with_referral(client, db)
    await upload(client, referral.id, PDF)
    [document] = await documents(db)
    assert await document_store.for_settings(settings).remove(db, [document]) == 1
    await db.commit()

    response = await client.get(f"/referrals/{referral.id}/documents/{document.id}")

    assert response.status_code == 404


def test_sniffing_trusts_content_only():
    assert uploads.sniff(PDF) == "application/pdf"
    assert uploads.sniff(PNG) == "image/png"
    assert uploads.sniff(JPEG) == "image/jpeg"
    assert uploads.sniff(EXE) is None
    assert uploads.sniff(b"<html><script>") is None
    assert document_store.FolderStore(Path("uploads")).path(uuid.uuid4(), "../../etc/passwd") is None


# Hostile files: wrong types, lying names, path-like names ------------------------------------------------

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
SCRIPT_PDF = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (EXE, "setup.exe"),
        (EXE, "scan.png"),
        (HTML, "report.html"),
        (HTML, "police-report.pdf"),
        (SVG, "drawing.svg"),
        (SVG, "photo.png"),
        (b"#!/bin/sh\nrm -rf /\n", "report.jpg"),
        (b"GIF89a" + os.urandom(100), "photo.jpeg"),
    ],
)
async def test_wrong_types_and_lying_extensions_are_refused_by_their_content(
    client, db, settings, content, filename
):
    referral = await coordinator_with_referral(client, db)

    response = await upload(client, referral.id, content, filename=filename)

    assert response.status_code == 422
    assert "Only PDF, PNG and JPEG files can be uploaded" in response.text
    assert "<script>alert" not in response.text
    assert await documents(db) == []
    assert await kept_names(db, settings) == []


@pytest.mark.parametrize(
    "filename",
    [
        "..\\..\\x.pdf",
        "../../etc/passwd",
        "/etc/cron.d/evil.pdf",
        "report\x00.exe.pdf",
        "C:\\Windows\\system32\\x.pdf",
        "x" * 900 + ".pdf",
        "\u202egnp.exe.pdf",
    ],
)
async def test_path_like_file_names_never_choose_where_the_file_is_stored(app, client, db, filename):
    settings = use_store(app, "folder")
    referral = await coordinator_with_referral(client, db)
    before = {p for p in settings.data_dir.rglob("*") if p.is_file()}

    response = await upload(client, referral.id, PDF, filename=filename)

    assert response.status_code == 303, response.text[-2000:]
    [document] = await documents(db)
    [path] = [p for p in settings.data_dir.rglob("*") if p.is_file() and p not in before]
    assert path == settings.upload_dir / str(referral.program_id) / document.stored_name
    assert re.fullmatch(r"[0-9a-f]{32}", path.name)
    download = await client.get(f"/referrals/{referral.id}/documents/{document.id}")
    assert (
        download.headers["content-disposition"]
        == f'attachment; filename="document-{document.id.hex[:8]}.pdf"'
    )


async def test_a_file_name_too_long_to_read_is_refused_and_nothing_is_kept(client, db, settings):
    referral = await coordinator_with_referral(client, db)

    response = await upload(client, referral.id, PDF, filename="x" * 20_000 + ".pdf")

    assert response.status_code == 400
    assert "The request could not be read" in response.text
    assert await documents(db) == []
    assert await kept_names(db, settings) == []


async def test_a_pdf_holding_html_is_only_ever_served_as_a_pdf_attachment(client, db):
    referral = await coordinator_with_referral(client, db)
    await upload(client, referral.id, SCRIPT_PDF, filename="page.html")
    [document] = await documents(db)

    download = await client.get(f"/referrals/{referral.id}/documents/{document.id}")

    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in download.headers["content-security-policy"] or (
        "default-src" in download.headers["content-security-policy"]
    )


async def test_a_huge_upload_is_written_in_chunks_and_never_read_whole(client, db, settings, monkeypatch):
    referral = await coordinator_with_referral(client, db)
    reads: list[int] = []
    original = uploads.store

    class Watched:
        def __init__(self, upload_file: Any) -> None:
            self.upload_file = upload_file

        async def read(self, size: int = -1) -> bytes:
            reads.append(size)
            return await self.upload_file.read(size)

    async def watched_store(upload_file: Any, *arguments: Any) -> Any:
        return await original(Watched(upload_file), *arguments)

    monkeypatch.setattr(uploads, "store", watched_store)
    response = await upload(client, referral.id, b"%PDF-1.7\n" + b"0" * uploads.MAX_BYTES)

    assert response.status_code == 422
    assert reads and all(0 < size <= uploads.CHUNK_BYTES for size in reads)
    assert await kept_names(db, settings) == []


# The comparison-group CSV import: the other upload in the app --------------------------------------------

COMPARISON_URL = "/reports/comparison"
COMPARISON_CSV = (
    "id,group,anchor_date,followed_until,events,age,gender,race_ethnicity,offense_class\r\n"
    "RC-1,Regular court,2025-01-10,2026-01-10,,15,Female,,A\r\n"
)


async def evaluator_upload(client: Any, db: Any, content: bytes, filename: str) -> Any:
    await sign_in_with_form(client, await make_user(db, await make_program(db), Role.EVALUATOR))
    return await client.post(
        COMPARISON_URL,
        data={"_csrf_token": await form_token(client, COMPARISON_URL)},
        files={"file": (filename, content, "text/csv")},
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (EXE, "groups.csv", "This is a binary file, not a CSV file."),
        (EXE, "setup.exe", "This is a binary file, not a CSV file."),
        (PNG, "groups.csv", "This file is an image, not a CSV file."),
        (HTML, "groups.csv", "Unknown column"),
        (SVG, "groups.csv", "Unknown column"),
    ],
)
async def test_comparison_import_refuses_what_is_not_csv_whatever_its_name(
    client, db, content, filename, message
):
    response = await evaluator_upload(client, db, content, filename)

    assert response.status_code == 422
    assert message in response.text
    assert "<script>alert" not in response.text and "onload=" not in response.text
    assert await db.scalar(select(func.count()).select_from(ComparisonImport)) == 0


@pytest.mark.parametrize(
    ("filename", "kept"),
    [
        ("../../etc/passwd", "etc passwd"),
        ("..\\..\\x.csv", "x.csv"),
        ("groups\x00\x1b[31m.csv", "groups%00 [31m.csv"),
        ("<img src=x onerror=alert(1)>.csv", "<img src=x onerror=alert(1)>.csv"),
        ("g" * 900 + ".csv", "g" * 200),
    ],
)
async def test_comparison_file_names_are_only_cleaned_labels(client, db, settings, filename, kept):
    response = await evaluator_upload(client, db, COMPARISON_CSV.encode(), filename)

    assert response.status_code == 303
    imported = await db.scalar(select(ComparisonImport))
    assert imported.file_name == kept
    page = await client.get(COMPARISON_URL)
    assert "<img src=x" not in page.text
    assert await kept_names(db, settings) == []
