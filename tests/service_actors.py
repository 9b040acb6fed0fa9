"""Who acts when a test calls a service directly, without a request."""

from __future__ import annotations

import uuid

from youthcourt.accounts.models import User
from youthcourt.audit.service import Actor
from youthcourt.programs.models import Program, Role
from youthcourt.programs.viewer import Viewer


def actor_for(user: User, program: Program | None, role: Role | None = None, **viewer: object) -> Actor:
    """``user`` signed in to ``program`` with ``role`` (their coordinator seat unless told), from a test address."""
    return Actor(
        Viewer(
            user_id=user.id,
            session_id=uuid.uuid4(),
            email=user.email,
            full_name=user.full_name,
            is_site_admin=False,
            must_change_password=False,
            program_id=program.id if program else None,
            program_name=program.name if program else None,
            role=role or (Role.COORDINATOR if program else None),
            **viewer,  # type: ignore[arg-type]
        ),
        ip_address="192.0.2.7",
        user_agent="service test",
    )
