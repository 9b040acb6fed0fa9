"""The co-production self-assessment in the reader's language: a Spanish-speaking coordinator reads
the list, the form with its field errors, the saved assessment and the print view in Spanish, with
no English left; an English-speaking one keeps them in English."""

from __future__ import annotations

import datetime
import html
import re
from html.parser import HTMLParser

from sqlalchemy.ext.asyncio import AsyncSession

from tests.coproduction.test_coproduction import answers, build_known_program
from tests.factories import make_user, post_form, sign_in
from youthcourt.coproduction import evidence, periods
from youthcourt.coproduction.questions import QUESTIONS
from youthcourt.programs.models import Program, Role
from youthcourt.web.i18n import use_locale

LETTERS = re.compile(r"[^\W\d_]")
TOO_LONG = "x" * 2001
DATA = {"Rosa Díaz", "Rosa", TOO_LONG, *(f"Comment on {question.title}" for question in QUESTIONS)}
"""What the test typed, shown as typed in either language."""


class _Visible(HTMLParser):
    """Text nodes and the attributes people read or hear, each stripped."""

    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.found |= {value.strip() for name, value in attrs if name in ("title", "aria-label") and value}

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.found.add(data.strip())


def visible(page: str) -> set[str]:
    parser = _Visible()
    parser.feed(page)
    return {text for text in parser.found if LETTERS.search(text)}


def left_in_english(english: str, spanish: str, *data: str) -> list[str]:
    """The words of the English page that the Spanish page still shows, apart from ``data`` (names,
    comments) and the product's and languages' own names."""
    same = visible(english) & visible(spanish)
    return sorted(same - {*data, "Youthcourt", "English", "Español"})


def last_quarter() -> str:
    return list(periods.offered(datetime.date.today()))[1]


async def coordinator_of(db: AsyncSession, program: Program, language: str | None):
    coordinator = await make_user(db, program, Role.COORDINATOR, name="Rosa Díaz")
    coordinator.language = language
    await db.commit()
    return coordinator


async def pages(client, key: str) -> dict[str, str]:
    """Every page of the area, the assessment of ``key`` saved first (with two refused tries)."""
    missing = answers(assets=3)
    del missing["mutuality-score"]
    missing["capabilities-comment"] = TOO_LONG
    refused = await post_form(client, "/coproduction", {"period": key, **missing})
    unknown = await client.get("/coproduction/new", params={"period": "1999-Q9"})
    saved = await post_form(client, "/coproduction", {"period": key, **answers(assets=3)})
    address = saved.headers["location"]
    assert refused.status_code == unknown.status_code == 422 and saved.status_code == 303
    read = {
        "refused": refused,
        "unknown": unknown,
        "shown": await client.get(address),
        "list": await client.get("/coproduction"),
        "edit": await client.get(address + "/edit"),
        "print": await client.get(address + "/print"),
        "again": await client.get("/coproduction/new", params={"period": key}),
    }
    return {name: html.unescape(response.text) for name, response in read.items()}


async def test_a_spanish_speaking_coordinator_reads_and_fills_the_assessment_in_spanish(client, db):
    program = await build_known_program(db)
    coordinator = await coordinator_of(db, program, "es")
    await sign_in(client, coordinator)
    spanish = await pages(client, last_quarter())

    assert "Elige un puntaje para Reciprocidad." in spanish["refused"]
    assert "El comentario sobre Capacidades debe tener como máximo 2000 caracteres." in spanish["refused"]
    assert "Corrige esto" in spanish["refused"] or "Corrige estos" in spanish["refused"]
    assert "Elige el periodo que vas a evaluar." in spanish["unknown"]
    assert "Se guardó la autoevaluación de T" in spanish["shown"]
    assert "3 · En desarrollo" in spanish["shown"] and "Evidencia" in spanish["shown"]
    assert "Jurados que antes tuvieron un caso en el tribunal" in spanish["shown"]
    assert (
        "Autoevaluación de coproducción" in spanish["list"]
        and "Puntajes a lo largo del tiempo" in spanish["list"]
    )
    assert "2 Empezando" in spanish["list"], "the charts' scale is in Spanish"
    assert "Reabierta: al guardar cambian los puntajes" in spanish["edit"]
    assert "Evidencia de los registros" in spanish["print"] and "Escala:" in spanish["print"]
    assert "ya está evaluado: aquí lo tienes para reabrirlo." in spanish["again"]

    other = await build_known_program(db, "Other Youth Court")
    await sign_in(client, await coordinator_of(db, other, "en"))
    english = await pages(client, last_quarter())
    program_names = {program.name, other.name}
    for name in spanish:
        leftovers = left_in_english(english[name], spanish[name], *DATA, *program_names)
        assert leftovers == [], f"{name}: {leftovers}"


async def test_an_english_speaking_coordinator_keeps_the_assessment_in_english(client, db):
    program = await build_known_program(db)
    await sign_in(client, await coordinator_of(db, program, None))
    english = await pages(client, last_quarter())

    assert "Choose a score for Mutuality." in english["refused"]
    assert "The comment on Capabilities must be at most 2000 characters." in english["refused"]
    assert "Choose the period to assess." in english["unknown"]
    assert "3 · Developing" in english["shown"] and "was saved." in english["shown"]
    assert "Co-production self-assessment" in english["list"] and "2 Starting" in english["list"]
    assert "Evidence from the records" in english["print"]
    assert all("Autoevaluación" not in page and "Elige" not in page for page in english.values())


def test_the_evidence_and_the_periods_read_in_the_active_language():
    readings = {key: {name: 0 for name in row} for key, row in evidence_rows().items()}
    readings["intake_strengths"] = {"intakes": 41, "with_strength": 29}
    readings["credits"] = {"earned": 40.5, "earners": 20, "redeemed": 6, "redeemers": 2}
    readings["felt_heard"] = {"answered": 6, "heard": 4}

    with use_locale("es"):
        shown = {
            item.figure.key: item.value for items in evidence.show(readings, 10).values() for item in items
        }
        offered = periods.offered(datetime.date(2026, 2, 14))
        named = periods.period_of("2025-Q2").name

    assert shown["intake_strengths"] == "71% (30 de 40)"
    assert shown["credits"] == "Ganados: 40,5 (20 jurados) · canjeados: no se muestra (<10 jurados)"
    assert shown["felt_heard"] == "no se muestra: menos de 10"
    assert shown["sanctions_on_strengths"] == "sin registros en el periodo"
    assert offered["2026-Q1"] == "T1 2026 (hasta la fecha)" and offered["2025"] == "El año 2025"
    assert named == "T2 2025"
    assert periods.period_of("2025-Q2").name == "Q2 2025", "English outside the block"


def evidence_rows() -> dict[str, dict[str, int]]:
    from tests.coproduction.test_coproduction import EXPECTED

    return {**EXPECTED, "referral_partners": {"sending": 0, "listed": 0, "new": 0}}
