"""A typed ``%`` or ``_`` is searched for as that character in every search by name (``web/search.py``)."""

from __future__ import annotations

from tests.factories import make_case, make_program, make_user, make_youth
from tests.jurors.test_juror_records import make_juror
from youthcourt.accounts.services import MembershipService
from youthcourt.audit.controllers import audit_query
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.listing import CaseFilters
from youthcourt.cases.models import CaseState
from youthcourt.jurors.records import JurorFilters, listing, youth_matches
from youthcourt.web.forms import Form
from youthcourt.web.search import like_pattern


def test_the_pattern_escapes_the_wildcards_and_its_escape_character():
    assert like_pattern("Ana") == "%ana%"
    assert like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"


async def test_every_search_by_name_takes_percent_and_underscore_as_typed(db):
    program = await make_program(db)
    youth = await make_youth(db, program, first_name="Ximena", last_name="Okafor")
    await make_case(db, program, CaseState.AWAITING_HEARING, youth=youth)
    juror = await make_juror(db, program, first_name="Dario", last_name="Quispe")
    await make_user(db, program, name="Lena Marsh", email="lena.marsh@example.org")
    db.add(AuditEntry(program_id=program.id, actor_name="Lena Marsh", action="case_view"))
    await db.commit()

    async def found(term: str) -> dict[str, int]:
        searches = {
            "cases": CaseFilters.read({"q": term}).query(),  # the search and its words
            "jurors": (listing(JurorFilters.of({"q": term})), {}),
            "users": (MembershipService.listing(search=term), {}),
            "audit": (audit_query(Form.from_data({"actor": term})), {}),
        }
        counts = {name: len((await db.execute(*search)).all()) for name, search in searches.items()}
        counts["youth"] = len(await youth_matches(db, juror, term))
        return counts

    assert await found("okafor") == {"cases": 1, "jurors": 0, "users": 0, "audit": 0, "youth": 1}
    assert await found("quisp") == {"cases": 0, "jurors": 1, "users": 0, "audit": 0, "youth": 0}
    assert await found("marsh") == {"cases": 0, "jurors": 0, "users": 1, "audit": 1, "youth": 0}
    for term in ("%", "_", "%%", "__"):
        assert await found(term) == {"cases": 0, "jurors": 0, "users": 0, "audit": 0, "youth": 0}, term
