"""The demo's users: one per role, with the passwords the README documents."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..lifecycle import Role
from ..models import User
from ..security import hash_password
from ..vocabulary import ProposerType

# Documented in the README; for trying the workflow, never for production.
DEMO_USERS = (
    ("applicant@kokeilu.example", "Aino Asukas", Role.APPLICANT, "kokeilu-applicant-demo"),
    ("staff@kokeilu.example", "Sami Screener", Role.STAFF, "kokeilu-staff-demo"),
    ("manager@kokeilu.example", "Maria Manager", Role.MANAGER, "kokeilu-manager-demo"),
    ("admin@kokeilu.example", "Antti Admin", Role.ADMIN, "kokeilu-admin-demo"),
)


def ensure_users() -> dict[Role, User]:
    """The demo user of each role, found by e-mail or added to the session."""
    users = {}
    for email, name, role, password in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                name=name,
                role=role,
                password_hash=hash_password(password),
                locale="fi",
                proposer_type=ProposerType.RESIDENT if role == Role.APPLICANT else None,
            )
            db.session.add(user)
        users[role] = user
    return users
