"""API bearer tokens: issued for an e-mail and password, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import ApiToken, User
from ..models.types import utcnow
from . import second_factor, sign_in
from .transaction import transactional

# Tokens are URL-safe base64 of this many random bytes (256 bits).
TOKEN_BYTES = 32
# Longer Authorization values are not ours; refuse them before hashing.
TOKEN_MAX_LENGTH = 200


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(email: str, password: str, code: str | None = None) -> tuple[str, ApiToken] | None:
    """A new token and its row for the active user with this e-mail and password (and
    one-time code, if the account signs in in two steps), else None.

    The raw token is returned once and never stored; the database keeps only its hash.
    """
    user = sign_in.authenticate(email, password)
    if user is None or not second_factor.verify_second_factor(user, code):
        return None
    return issue_token_for(user)


@transactional(counted=False)
def issue_token_for(user: User) -> tuple[str, ApiToken]:
    """A new token for a user already authenticated; commits the hashed row."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    lifetime: timedelta = current_app.config["API_TOKEN_LIFETIME"]
    token = ApiToken(user=user, token_hash=_digest(raw), expires_at=utcnow() + lifetime)
    with audit.acting(user.id):  # issued before any session or token tells who acts
        db.session.add(token)
        db.session.flush()
    return raw, token


def token_for(raw: str, now: datetime | None = None) -> ApiToken | None:
    """The live token (not revoked, not expired, of an active user) for a raw value, else None."""
    if not raw or len(raw) > TOKEN_MAX_LENGTH:
        return None
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    user: User = token.user
    if not user.active or (
        # A password change ends every session, and so every token issued before it.
        user.password_changed_at is not None and token.created_at < user.password_changed_at
    ):
        return None
    return token


@transactional(counted=False)
def revoke_token(token: ApiToken) -> None:
    """Revoke the token at once; later requests carrying it are refused."""
    token.revoked_at = utcnow()
