"""The administrator's home: accounts, recent changes of role and access, programmes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..lifecycle import Role
from ..models import AccountChange, Call, Programme, User
from ..models.users import NO_PASSWORD_MARK
from ..services import clock
from ..statistics.sql import count_if

RECENT_CHANGES = 10


@dataclass(frozen=True)
class AccountCounts:
    total: int
    by_role: dict[Role, int]
    locked: int  # may not sign in (deleted ones aside)
    unconfirmed: int
    without_password: int
    without_second_factor: int  # staff, managers and admins


@dataclass(frozen=True)
class Change:
    user_id: int
    user_name: str
    user_deleted: bool
    actor_name: str
    actor_deleted: bool
    at: datetime
    old_role: Role
    new_role: Role
    old_active: bool
    new_active: bool


@dataclass(frozen=True)
class ProgrammeLine:
    programme_id: int
    name: str
    language: str
    start_year: int
    end_year: int
    open_calls: int


@dataclass(frozen=True)
class AdminHome:
    accounts: AccountCounts
    changes: list[Change]
    programmes: list[ProgrammeLine]


def admin_home() -> AdminHome:
    return AdminHome(accounts=_accounts(), changes=recent_changes(), programmes=_programmes())


def _accounts() -> AccountCounts:
    live = User.deleted_at.is_(None)
    row = db.session.execute(
        select(
            func.count(),
            *(count_if(live & (User.role == role)) for role in Role),
            count_if(live & ~User.active),
            count_if(live & User.email_confirmed_at.is_(None)),
            count_if(live & User.password_hash.startswith(NO_PASSWORD_MARK)),
            count_if(
                live
                & User.role.in_([Role.STAFF, Role.MANAGER, Role.ADMIN])
                & User.totp_enabled_at.is_(None)
            ),
        ).where(live)
    ).one()
    total, *counts = row
    roles = list(Role)
    by_role = dict(zip(roles, counts[: len(roles)], strict=True))
    locked, unconfirmed, without_password, without_factor = counts[len(roles) :]
    return AccountCounts(total, by_role, locked, unconfirmed, without_password, without_factor)


def recent_changes(user_id: int | None = None, limit: int = RECENT_CHANGES) -> list[Change]:
    """The latest changes of role or access, newest first (of one account, or of all)."""
    user, actor = aliased(User), aliased(User)
    query = (
        select(
            user.id,
            user.name,
            user.deleted_at,
            actor.name,
            actor.deleted_at,
            AccountChange.at,
            AccountChange.old_role,
            AccountChange.new_role,
            AccountChange.old_active,
            AccountChange.new_active,
        )
        .join(user, user.id == AccountChange.user_id)
        .join(actor, actor.id == AccountChange.actor_id)
        .order_by(AccountChange.at.desc(), AccountChange.id.desc())
        .limit(limit)
    )
    if user_id is not None:
        query = query.where(AccountChange.user_id == user_id)
    return [
        Change(uid, uname, udel is not None, aname, adel is not None, at, *rest)
        for uid, uname, udel, aname, adel, at, *rest in db.session.execute(query)
    ]


def _programmes() -> list[ProgrammeLine]:
    today = clock.today()
    open_calls = (
        select(func.count(Call.id))
        .where(Call.programme_id == Programme.id, Call.opens_on <= today, Call.closes_on >= today)
        .correlate(Programme)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Programme.id,
            Programme.name,
            Programme.language,
            Programme.start_year,
            Programme.end_year,
            open_calls,
        ).order_by(Programme.end_year.desc(), Programme.name)
    ).all()
    return [ProgrammeLine(*row) for row in rows]
