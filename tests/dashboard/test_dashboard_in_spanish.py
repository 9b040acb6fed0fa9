"""Case states in Spanish have words of their own ("case state" in the catalog): a case is
"Programado" where a hearing is "Programada", and "Completado" where a sanction is "Cumplida"."""

from __future__ import annotations

from decimal import Decimal

from tests.cases.test_spanish_case_pages import spanish_coordinator
from tests.factories import sign_in
from youthcourt.cases.models import CaseState
from youthcourt.reference.models import SanctionType
from youthcourt.sanctions.models import Sanction, SanctionStatus
from youthcourt.sanctions.services import SanctionSummary
from youthcourt.web.i18n import _, use_locale


async def test_the_dashboard_in_spanish_calls_a_scheduled_case_programado(client, db):
    _program, coordinator, _case = await spanish_coordinator(db, CaseState.SCHEDULED)
    await sign_in(client, coordinator)

    dashboard = (await client.get("/dashboard")).text

    assert "<span>Programado</span>" in dashboard
    assert "Programada" not in dashboard


async def test_a_scheduled_case_reads_programado_on_its_page_and_in_the_list(client, db):
    _program, coordinator, case = await spanish_coordinator(db, CaseState.SCHEDULED)
    await sign_in(client, coordinator)

    page = (await client.get(f"/cases/{case.id}")).text
    listing = (await client.get("/cases")).text

    assert '<span class="state state-scheduled">Programado</span>' in page
    assert '<span class="state state-scheduled">Programado</span>' in listing
    assert ">Programado</option>" in listing and "Programada" not in listing


def test_every_case_state_has_its_own_spanish_word():
    with use_locale("es"):
        shown = [state.shown for state in CaseState]
        hearing_word = _("Scheduled")
    with use_locale("en"):
        english = [state.shown for state in CaseState]

    assert shown == [
        "Remitido",
        "Admisión",
        "Esperando audiencia",
        "Programado",
        "Sanciones en curso",
        "Completado",
        "Sin éxito",
        "Retirado",
    ]
    assert hearing_word == "Programada"
    assert english == [state.label for state in CaseState]


def test_a_sanction_is_cumplida_where_a_case_is_completado():
    """Una sanción (feminine) has its own words, not a case's."""
    sanction = Sanction(sanction_type=SanctionType.ESSAY, quantity=500, status=SanctionStatus.COMPLETED)
    with use_locale("es"):
        assert SanctionSummary(sanction, Decimal(500)).status_label == "Cumplida"
        sanction.status = SanctionStatus.NOT_COMPLETED
        assert SanctionSummary(sanction, Decimal(0)).status_label == "No cumplida"
        assert CaseState.COMPLETED.shown == "Completado"
    with use_locale("en"):
        assert SanctionSummary(sanction, Decimal(0)).status_label == "Not completed"
