"""Sections that other areas add to the referral page.

The referral page belongs to the referrals area, but a study's referral declined or returned is
followed up by the outcomes area, which sits above. An area registers a section here at start-up;
the referral page asks each for its context (empty: nothing to show) and includes its template.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.referrals.models import Referral

Loader = Callable[[AsyncSession, Referral], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class ReferralSection:
    template: str
    """A partial template; it receives the loader's context as ``section``."""
    loader: Loader


_sections: dict[str, ReferralSection] = {}


def register(name: str, template: str, loader: Loader) -> None:
    _sections[name] = ReferralSection(template, loader)


async def load_all(db: AsyncSession, referral: Referral) -> list[tuple[str, dict[str, Any]]]:
    """Each section with something to show, as (template, context)."""
    loaded = [(section.template, await section.loader(db, referral)) for section in _sections.values()]
    return [(template, context) for template, context in loaded if context]
