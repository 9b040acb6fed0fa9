"""Demo accounts: the four documented sign-ins plus a realistic staff and juror roster."""

from __future__ import annotations

from typing import TYPE_CHECKING

from youthcourt.accounts.models import Membership, User
from youthcourt.accounts.passwords import hash_password
from youthcourt.clock import utc_now
from youthcourt.programs.models import Role

if TYPE_CHECKING:
    from youthcourt.demo import DemoContext

DEMO_TOTP_SECRET = "YOUTHCOURTDEMOAA"  # noqa: S105 - demo data only, documented in the README
"""The authenticator key of the four documented demo accounts, printed in the README.

Demo data only: a known key is no second factor at all, which is fine for a demo and never
for real accounts (real users get a random key at enrollment).
"""
DOCUMENTED = (
    ("coordinator@example.org", "Maya Alvarez", Role.COORDINATOR, False),
    ("juror@example.org", "Jordan Reyes", Role.JUROR, False),
    ("evaluator@example.org", "Dr. Priya Natarajan", Role.EVALUATOR, False),
    ("admin@example.org", "Sam Whitfield", Role.PROGRAM_ADMIN, True),
)
FIRST_NAMES = (
    "Aaliyah",
    "Brandon",
    "Camila",
    "Darnell",
    "Elena",
    "Felix",
    "Grace",
    "Hector",
    "Imani",
    "Jamal",
    "Keisha",
    "Liam",
    "Marisol",
    "Nathan",
    "Olivia",
    "Pedro",
    "Quinn",
    "Rosa",
    "Tariq",
    "Valerie",
)
LAST_NAMES = (
    "Brooks",
    "Castillo",
    "Dawson",
    "Evans",
    "Fischer",
    "Gomez",
    "Harris",
    "Ibrahim",
    "Jensen",
    "Kim",
    "Lopez",
    "Mitchell",
    "Nguyen",
    "Okafor",
    "Patel",
    "Ramirez",
    "Sullivan",
    "Thompson",
    "Walker",
    "Young",
)


async def add_staff_and_jurors(context: DemoContext) -> None:
    # Hashing is the slow part; the demo accounts share one hash of the one documented password.
    from youthcourt.demo import DEMO_PASSWORD

    password_hash = hash_password(DEMO_PASSWORD)
    for email, name, role, site_admin in DOCUMENTED:
        user = _member(context, email, name, role, password_hash, site_admin)
        user.totp_secret = DEMO_TOTP_SECRET
        user.totp_enabled_at = utc_now()
        context.users[email] = user
    _member(context, "deshawn.carter@example.org", "DeShawn Carter", Role.COORDINATOR, password_hash)
    for index in range(12):
        first, last = context.rng.choice(FIRST_NAMES), context.rng.choice(LAST_NAMES)
        email = f"{first.lower()}.{last.lower()}.{index}@example.org"
        _member(context, email, f"{first} {last}", Role.JUROR, password_hash)


def _member(
    context: DemoContext, email: str, name: str, role: Role, password_hash: str, site_admin: bool = False
) -> User:
    user = User(email=email, full_name=name, password_hash=password_hash, is_site_admin=site_admin)
    user.memberships = [Membership(program_id=context.program.id, role=role)]
    context.db.add(user)
    return user
