"""The mail outbox: messages are rows written in the change's own transaction, and
delivered afterwards by `flask mail deliver` (or, in development, right after the commit).

Delivery claims due rows in a short transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, a
conditional UPDATE that a second SQLite writer finds already done), sends them, and marks
each sent only if its claim is still the one it holds. A failed try is retried after a
growing delay; after the last one the message is failed with the reason, for the admins.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_mailman import EmailMessage
from sqlalchemy import func, select

from .. import metrics
from ..extensions import db, mail
from ..models import MailMessage, MailStatus, User
from ..models.types import utcnow
from .transaction import MAIL_QUEUED, unit_of_work

log = logging.getLogger(__name__)

# The wait after the 1st, 2nd, … failed try; a try after the last wait that fails is final.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
# How long a claimed message is left to its delivery process before another may take it
# (the process died mid-send): far longer than a batch of sends with MAIL_TIMEOUT each.
LEASE = timedelta(minutes=10)
BATCH = 20
ERROR_MAX = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadHeader(ValueError):
    """An address with a line break or control character: refused, not sent elsewhere."""


def clean_subject(subject: str) -> str:
    """A subject on one line: line breaks and other control characters become spaces."""
    return " ".join(_CONTROL.sub(" ", subject).split())


def _address(value: str) -> str:
    if _CONTROL.search(value) or not value.strip():
        raise BadHeader(f"refused e-mail address {value!r}")
    return value.strip()


def queue(
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    *,
    user: User | None = None,
    reply_to: str | None = None,
    headers: dict[str, str] | None = None,
) -> MailMessage:
    """Store a message to send, in the caller's unit of work (or its own); raises BadHeader
    (also for a header with a line break)."""
    for name, value in (headers or {}).items():
        if _CONTROL.search(name) or _CONTROL.search(value):
            raise BadHeader(f"refused header {name!r}")
    message = MailMessage(
        kind=kind,
        recipient=_address(recipient),
        reply_to=_address(reply_to) if reply_to else None,
        subject=clean_subject(subject),
        body=body,
        headers=dict(headers) if headers else None,
        user_id=user.id if user is not None else None,
        status=MailStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    with unit_of_work(counted=False):
        db.session.add(message)
        db.session.info[MAIL_QUEUED] = True
    return message


@dataclass
class Delivery:
    """What one pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def deliver_due() -> Delivery:
    """Send every message that is due now, then return."""
    done = Delivery()
    while True:
        claim, messages = _claim(BATCH)
        if not messages:
            return done
        connection = mail.get_connection()
        for message in messages:
            _send(message, claim, connection, done)


def deliver_after_commit() -> None:
    """In development and tests (MAIL_DELIVER_AFTER_COMMIT): deliver now, never raising."""
    if not current_app.config.get("MAIL_DELIVER_AFTER_COMMIT"):
        return
    try:
        deliver_due()
    except Exception:  # the change is committed; the message waits for the next pass
        db.session.rollback()
        log.exception("could not deliver mail after the commit")


def deliver_forever(interval: float, stop: threading.Event) -> None:
    """Deliver what is due every interval seconds until stop is set; a failing round (the
    database away) is logged and the next one tried."""
    while not stop.is_set():
        try:
            deliver_due()
        except Exception:
            db.session.rollback()
            log.exception("mail delivery round failed")
        finally:
            db.session.remove()
        stop.wait(interval)


@dataclass(frozen=True)
class _Claimed:
    id: int
    recipient: str
    reply_to: str | None
    subject: str
    body: str
    headers: dict[str, str] | None
    attempts: int


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(MailMessage.status == MailStatus.PENDING, MailMessage.next_attempt_at <= now),
        sa.and_(MailMessage.status == MailStatus.SENDING, MailMessage.lease_until <= now),
    )


def _claim(size: int) -> tuple[str, list[_Claimed]]:
    claim = secrets.token_hex(16)
    now = utcnow()
    with unit_of_work(counted=False):
        ids = db.session.scalars(
            select(MailMessage.id)
            .where(_due(now))
            .order_by(MailMessage.next_attempt_at, MailMessage.id)
            .limit(size)
            .with_for_update(skip_locked=True)
        ).all()
        if ids:
            # The due condition again: another process may have claimed a row since.
            db.session.execute(
                sa.update(MailMessage)
                .where(MailMessage.id.in_(ids), _due(now))
                .values(status=MailStatus.SENDING, claim=claim, lease_until=now + LEASE)
                .execution_options(synchronize_session=False)
            )
    if not ids:
        return claim, []
    rows = db.session.execute(
        select(
            MailMessage.id,
            MailMessage.recipient,
            MailMessage.reply_to,
            MailMessage.subject,
            MailMessage.body,
            MailMessage.headers,
            MailMessage.attempts,
        )
        .where(MailMessage.claim == claim)
        .order_by(MailMessage.id)
    ).all()
    db.session.commit()  # ends the read; nothing was changed in it
    return claim, [_Claimed(*row) for row in rows]


def _send(message: _Claimed, claim: str, connection: Any, done: Delivery) -> None:
    attempt = message.attempts + 1
    try:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.recipient],
            reply_to=[message.reply_to] if message.reply_to else None,
            headers=message.headers or None,
            connection=connection,
        ).send()
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
        reason = f"{type(error).__name__}: {error}"[:ERROR_MAX]
        final = attempt > len(RETRY_DELAYS)
        values: dict[str, object] = {"attempts": attempt, "last_error": reason}
        if final:
            values |= {"status": MailStatus.FAILED}
            done.failed += 1
        else:
            values |= {
                "status": MailStatus.PENDING,
                "next_attempt_at": utcnow() + RETRY_DELAYS[attempt - 1],
            }
            done.retried += 1
        done.errors.append(reason)
        log.warning(
            "could not deliver mail %s (try %d%s): %s",
            message.id,
            attempt,
            ", final" if final else "",
            reason,
        )
        _settle(message.id, claim, values)
        return
    _settle(
        message.id,
        claim,
        {"status": MailStatus.SENT, "attempts": attempt, "sent_at": utcnow(), "last_error": None},
    )
    done.sent += 1


def _settle(message_id: int, claim: str, values: dict[str, object]) -> None:
    """Record the outcome, if the message is still this pass's (not cancelled or retaken)."""
    with unit_of_work(counted=False):
        db.session.execute(
            sa.update(MailMessage)
            .where(MailMessage.id == message_id, MailMessage.claim == claim)
            .values(claim=None, lease_until=None, **values)
            .execution_options(synchronize_session=False)
        )


def forget_person(user: User, email: str) -> None:
    """For account deletion, in its unit of work: mail to or about the person that is not
    sent yet is cancelled, and every stored message to or about them loses their address,
    name and text."""
    theirs = sa.or_(
        MailMessage.user_id == user.id,
        MailMessage.recipient == email,
        MailMessage.reply_to == email,
    )
    db.session.execute(
        sa.update(MailMessage)
        .where(
            theirs,
            MailMessage.status.in_([MailStatus.PENDING, MailStatus.SENDING, MailStatus.FAILED]),
        )
        .values(status=MailStatus.CANCELLED, claim=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(MailMessage)
        .where(theirs)
        .values(
            recipient=f"deleted-user-{user.id}",
            reply_to=None,
            subject="",
            body="",
            last_error=None,
            user_id=None,
        )
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class QueueState:
    counts: dict[str, int]
    oldest_pending_at: datetime | None


def queue_state() -> QueueState:
    """How many messages are in each state, and when the oldest unsent one was written."""
    counts = dict(
        db.session.execute(
            select(MailMessage.status, func.count()).group_by(MailMessage.status)
        ).all()
    )
    oldest = db.session.scalar(
        select(func.min(MailMessage.created_at)).where(
            MailMessage.status.in_([MailStatus.PENDING, MailStatus.SENDING])
        )
    )
    return QueueState({s.value: counts.get(s.value, 0) for s in MailStatus}, oldest)


@metrics.on_scrape
def _queue_gauges() -> None:
    """The queue's figures for /metrics; if the database does not answer, they stay."""
    try:
        state = queue_state()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return
    for status, count in state.counts.items():
        metrics.MAIL_MESSAGES.labels(status=status).set(count)
    oldest = state.oldest_pending_at
    metrics.MAIL_OLDEST_UNSENT.set((utcnow() - oldest).total_seconds() if oldest else 0)


def unsent(limit: int = 100) -> list[MailMessage]:
    """Failed, then waiting messages, newest first within each."""
    order = sa.case((MailMessage.status == MailStatus.FAILED, 0), else_=1)
    return list(
        db.session.scalars(
            select(MailMessage)
            .where(
                MailMessage.status.in_([MailStatus.FAILED, MailStatus.PENDING, MailStatus.SENDING])
            )
            .order_by(order, MailMessage.created_at.desc(), MailMessage.id.desc())
            .limit(limit)
        )
    )


def newest(limit: int) -> list[MailMessage]:
    """The newest messages in any state (the development outbox page)."""
    return list(
        db.session.scalars(
            select(MailMessage)
            .order_by(MailMessage.created_at.desc(), MailMessage.id.desc())
            .limit(limit)
        )
    )
