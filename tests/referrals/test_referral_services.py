"""ReferralService without HTTP: what taking in a referral and attaching a document save, refuse and audit."""

from __future__ import annotations

import datetime
import stat
import uuid
from dataclasses import replace

import pytest
from litestar.datastructures import UploadFile
from sqlalchemy import select

from tests.documents import STORES, kept_bytes, kept_names
from tests.factories import make_program, make_referral, make_user, make_youth
from tests.referrals.test_referrals import catalog, count, intake
from tests.referrals.test_uploads import EXE, PDF
from tests.service_actors import actor_for
from youthcourt.audit.models import AuditEntry
from youthcourt.programs.models import Role
from youthcourt.referrals import document_store, services, uploads
from youthcourt.referrals.models import Document, Guardian, Referral, Youth
from youthcourt.referrals.services import ReferralService
from youthcourt.web.forms import Form


async def coordinator(db):
    program = await make_program(db)
    user = await make_user(db, program, Role.COORDINATOR)
    return program, user, actor_for(user, program)


async def audited(db, action: str) -> list[AuditEntry]:
    return list((await db.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())


# Taking in a referral ---------------------------------------------------------------------------------


async def test_an_intake_saves_the_youth_guardians_and_referral_once_per_form(db):
    program, user, actor = await coordinator(db)
    data = intake(*await catalog(db, program))
    service = ReferralService(session=db)

    first = await service.take_in(Form.from_data(data), actor)
    await db.commit()
    again = await service.take_in(Form.from_data(data), actor)

    assert first.referral is not None and not first.already_saved
    assert again.already_saved and again.referral.id == first.referral.id
    referral = await db.scalar(select(Referral))
    assert (referral.program_id, referral.submission_token) == (program.id, data["submission_token"])
    youth = await db.scalar(select(Youth).where(Youth.id == referral.youth_id))
    assert (youth.first_name, youth.last_name) == ("Darius", "Whitaker")
    assert await count(db, Guardian) == 2 and await count(db, Referral) == 1
    (entry,) = await audited(db, "referral_create")
    assert (entry.record_id, entry.actor_id) == (str(referral.id), user.id)
    assert entry.details == {"existing_youth": False, "guardians_added": 2}


async def test_a_second_click_that_raced_past_the_token_check_finds_the_first_referral(db, monkeypatch):
    program, _user, actor = await coordinator(db)
    # Both clicks passed the likely-duplicate check before either saved the youth.
    data = intake(*await catalog(db, program), confirm_new_youth="1")
    first = await ReferralService(session=db).take_in(Form.from_data(data), actor)
    await db.commit()
    first_id = first.referral.id
    lookups = []
    found = services.referral_by_token

    async def late_lookup(session, token):
        """The first lookup runs before the first click's referral is saved: it finds nothing."""
        lookups.append(token)
        return None if len(lookups) == 1 else await found(session, token)

    monkeypatch.setattr(services, "referral_by_token", late_lookup)
    again = await ReferralService(session=db).take_in(Form.from_data(data), actor)

    assert len(lookups) == 2, "the unique token stopped the second referral, then found the first"
    assert again.already_saved and again.referral.id == first_id
    assert await count(db, Referral) == 1
    assert len(await audited(db, "referral_create")) == 1


async def test_a_youth_who_may_be_on_record_must_be_chosen_or_confirmed_as_new(db):
    program, _user, actor = await coordinator(db)
    on_record = await make_youth(
        db, program, first_name="Darius", last_name="Whitaker", date_of_birth=datetime.date(2011, 3, 9)
    )
    data = intake(*await catalog(db, program))
    form = Form.from_data(data)

    refused = await ReferralService(session=db).take_in(form, actor)

    assert refused.referral is None and refused.chosen is None
    assert [m.youth.id for m in refused.matches] == [on_record.id]
    assert form.errors == {"confirm_new_youth": services.DUPLICATE}
    assert await count(db, Referral) == 0 and await audited(db, "referral_create") == []

    confirmed = await ReferralService(session=db).take_in(
        Form.from_data(data | {"confirm_new_youth": "1"}), actor
    )

    assert confirmed.referral is not None and confirmed.referral.youth_id != on_record.id


async def test_an_intake_for_a_youth_on_record_adds_only_the_referral_and_new_guardians(db):
    program, _user, actor = await coordinator(db)
    youth = await make_youth(db, program)
    data = intake(*await catalog(db, program), youth_id=str(youth.id), guardian2_name="")
    data = {k: v for k, v in data.items() if not k.startswith("guardian2_")}

    result = await ReferralService(session=db).take_in(Form.from_data(data), actor)
    await db.commit()

    assert result.referral.youth_id == youth.id
    assert await count(db, Youth) == 1 and await count(db, Guardian) == 1
    (entry,) = await audited(db, "referral_create")
    assert entry.details == {"existing_youth": True, "guardians_added": 1}


async def test_a_chosen_record_no_longer_on_file_is_asked_for_again(db):
    program, _user, actor = await coordinator(db)
    form = Form.from_data(intake(*await catalog(db, program), youth_id=str(uuid.uuid4())))

    result = await ReferralService(session=db).take_in(form, actor)

    assert result.referral is None
    assert form.errors["first_name"].startswith("The chosen record is no longer available.")
    assert form.get("youth_id") == ""
    assert await count(db, Referral) == 0


# Documents --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
async def test_a_document_is_stored_privately_listed_and_audited(db, settings, tmp_path, store):
    settings = replace(settings, data_dir=tmp_path, document_store=store)
    program, user, actor = await coordinator(db)
    referral = await make_referral(db, program)
    file = UploadFile(content_type="text/plain", filename="../../report.exe", file_data=PDF)

    document = await ReferralService(session=db).attach_document(
        referral,
        Form(values={"title": "../Police report"}),
        file,
        document_store.for_settings(settings),
        actor,
    )
    await db.commit()

    saved = await db.scalar(select(Document))
    assert saved.id == document.id
    assert (saved.title, saved.content_type, saved.size_bytes) == (
        "Police report",
        "application/pdf",
        len(PDF),
    )
    assert saved.uploaded_by_id == user.id
    assert await kept_bytes(db, settings, saved) == PDF
    if store == "folder":
        path = document_store.FolderStore(settings.upload_dir).path(program.id, saved.stored_name)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    (entry,) = await audited(db, "document_upload")
    assert (entry.record_id, entry.details["referral_id"]) == (str(document.id), str(referral.id))
    assert entry.details["size_bytes"] == len(PDF)


@pytest.mark.parametrize("store", STORES)
async def test_a_refused_title_or_file_keeps_nothing(db, settings, tmp_path, store):
    settings = replace(settings, data_dir=tmp_path, document_store=store)
    documents = document_store.for_settings(settings)
    program, _user, actor = await coordinator(db)
    referral = await make_referral(db, program)
    service = ReferralService(session=db)
    not_a_document = UploadFile(content_type="application/pdf", filename="report.pdf", file_data=EXE)
    too_big = UploadFile(
        content_type="application/pdf", filename="big.pdf", file_data=b"%PDF-1.7\n" + b"0" * uploads.MAX_BYTES
    )

    no_title, no_file, wrong_kind, too_large = (
        Form(values={"title": title}) for title in ("/../", "Report", "Report", "Report")
    )
    assert await service.attach_document(referral, no_title, not_a_document, documents, actor) is None
    assert await service.attach_document(referral, no_file, None, documents, actor) is None
    assert await service.attach_document(referral, wrong_kind, not_a_document, documents, actor) is None
    assert await service.attach_document(referral, too_large, too_big, documents, actor) is None
    await db.commit()

    assert no_title.errors == {"title": "Enter a title made of words, not a file path."}
    assert no_file.errors == {"file": "Choose a PDF, PNG or JPEG file to upload."}
    assert wrong_kind.errors == {"file": uploads.NOT_ALLOWED}
    assert too_large.errors == {"file": uploads.TOO_LARGE}
    assert await kept_names(db, settings) == []
    assert await count(db, Document) == 0 and await audited(db, "document_upload") == []
