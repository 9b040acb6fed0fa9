"""The case list's query: filters, search and sort, in one query for the rows and one for the count.

The rows are the columns the list shows, joined in one statement, not case objects with their
related records loaded after them: at a state's scale the list costs what its 25 rows cost.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, or_, select

from youthcourt.cases.forms import CaseFilterForm
from youthcourt.cases.models import Case, CaseState
from youthcourt.reference.models import Offense, OffenseClass, ReferralSource
from youthcourt.referrals.models import Referral, Youth
from youthcourt.web.forms import Form, parse_uuid

LIFECYCLE = case({state: position for position, state in enumerate(CaseState)}, value=Case.state)
"""A case's state as its place in the case's life (referred first, withdrawn last), for sorting."""

SORTS = {
    "newest": (Case.opened_on.desc(), Case.number.desc()),
    "oldest": (Case.opened_on.asc(), Case.number.asc()),
    "number": (Case.number.asc(),),
    "name": (func.lower(Youth.last_name).asc(), func.lower(Youth.first_name).asc()),
    "state": (LIFECYCLE.asc(), Case.opened_on.desc()),
}
FILTER_FIELDS = ("q", "state", "source", "offense_class", "coordinator", "opened_from", "opened_to", "sort")


@dataclass
class CaseFilters:
    form: Form

    @classmethod
    def read(cls, params: Mapping[str, Any]) -> CaseFilters:
        form = Form.from_data({key: params.get(key, "") for key in FILTER_FIELDS})
        return cls(CaseFilterForm.read(form).form)

    def statement(self) -> Select[Any]:
        values = self.form.values
        query = (
            select(
                Case.id,
                Case.number,
                Case.state,
                Case.opened_on,
                Case.coordinator_id,
                Youth.first_name,
                Youth.last_name,
                Offense.name.label("offense"),
                Offense.offense_class,
                ReferralSource.name.label("source"),
            )
            .join(Case.youth)
            .join(Case.referral)
            .join(Referral.offense)
            .join(Referral.source)
        )
        query = query.where(Case.sealed_at.is_(None))  # sealed cases are reached from /sealed-cases only
        if text := values.get("q", "").strip()[:100]:
            pattern = f"%{text.lower()}%"
            full_name = func.lower(Youth.first_name + " " + Youth.last_name)
            query = query.where(or_(full_name.like(pattern), func.lower(Case.number).like(pattern)))
        if values.get("state") in CaseState._value2member_map_:
            query = query.where(Case.state == CaseState(values["state"]))
        elif values.get("state") == "open":
            query = query.where(Case.closed_on.is_(None))
        if source := parse_uuid(values.get("source")):
            query = query.where(Referral.source_id == source)
        if values.get("offense_class") in OffenseClass._value2member_map_:
            query = query.where(Offense.offense_class == OffenseClass(values["offense_class"]))
        if coordinator := parse_uuid(values.get("coordinator")):
            query = query.where(Case.coordinator_id == coordinator)
        if not self.form.errors:
            if start := _date(values.get("opened_from")):
                query = query.where(Case.opened_on >= start)
            if end := _date(values.get("opened_to")):
                query = query.where(Case.opened_on <= end)
        return query.order_by(*SORTS.get(values.get("sort", ""), SORTS["newest"]), Case.id)


def _date(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
