"""Telling higher areas that a referral was declined or returned.

A referral assigned to a study arm is followed up even when it never becomes a case (intent to
treat follows every youth assigned). Follow-up checks belong to the outcomes area, which sits
above referrals, so it registers a listener here at start-up instead of referrals importing it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.programs.viewer import Viewer
from youthcourt.referrals.models import Referral

DecisionListener = Callable[[AsyncSession, Referral, Viewer], Awaitable[None]]
_listeners: dict[str, DecisionListener] = {}


def on_decision(name: str, listener: DecisionListener) -> None:
    """Call ``listener`` in the same transaction whenever a referral is declined or returned."""
    _listeners[name] = listener


async def referral_decided(db: AsyncSession, referral: Referral, viewer: Viewer) -> None:
    for listener in _listeners.values():
        await listener(db, referral, viewer)
