"""Passwords, one-time codes, signed links, local paths, the session user loader, the security
headers and the development session key."""

import hmac
import os
import re
import secrets
import sys
import tempfile
import time
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, request, session
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import db, login_manager
from .rules import PASSWORD_MAX, PASSWORD_MIN

# Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): a sign-in costs a worker
# 19 MiB for a moment, where argon2-cffi's default 64 MiB lifted every worker past its memory
# budget (bench/RESULTS.md). Hashes made with other parameters still verify, and are redone
# at the next sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except VerificationError:
        return False
    except InvalidHashError:
        # An account without a usable password ("!": the demo's people, deleted accounts)
        # takes as long as a wrong password, so timing does not single it out.
        burn_verification(password)
        return False


def password_needs_rehash(password_hash: str) -> bool:
    """Made with other parameters than today's (hash it again while the password is known)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False


@cache
def _dummy_hash() -> str:
    """A fixed hash to verify against when no account matches, so timing reveals nothing
    (made at first use: hashing at import would cost every process the memory at start)."""
    return _hasher.hash("no such account")


def burn_verification(password: str) -> None:
    verify_password(_dummy_hash(), password)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the most common passwords, lower case."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problems(password: str, email: str = "") -> list[str]:
    """What is wrong with a new password (ASVS 2.1): too short or long, common, or guessable."""
    if len(password) < PASSWORD_MIN:
        return [str(_l("Use at least %(n)d characters.", n=PASSWORD_MIN))]
    if len(password) > PASSWORD_MAX:
        return [str(_l("At most %(n)d characters.", n=PASSWORD_MAX))]
    lowered = password.lower()
    # "password123456" and "monkeymonkeymonkey" are as weak as their common core.
    core = lowered.rstrip("0123456789!?.,-_ ")
    unit = next(
        (
            lowered[:n]
            for n in range(1, len(lowered) // 2 + 1)
            if len(lowered) % n == 0 and lowered[:n] * (len(lowered) // n) == lowered
        ),
        "",
    )
    local = email.lower().partition("@")[0]
    if (
        lowered in common_passwords()
        or core in common_passwords()
        or unit in common_passwords()
        or len(set(lowered)) < 4
        or (len(local) >= 4 and local in lowered)
    ):
        return [
            str(
                _l(
                    "This password is too common or easy to guess. Choose another, "
                    "for example three or four unrelated words."
                )
            )
        ]
    return []


def new_totp_secret() -> str:
    return pyotp.random_base32(32)


def totp_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads (typed in, or from the QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def totp_qr_data_uri(uri: str) -> str:
    """The otpauth URI as an SVG QR code in a data: URI (CSP allows data: images only)."""
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2, dark="#000", light="#fff")


def totp_step(secret: str, code: str, after: int | None, now: float | None = None) -> int | None:
    """The time step a code belongs to (±30 s of clock drift), if later than `after`."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now if now is not None else time.time())
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and (after is None or step > after):
            return step
    return None


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"kokeilu-{purpose}")


def sign(purpose: str, payload) -> str:
    """A URL-safe signed, timestamped token for one purpose (password reset, confirm)."""
    return _serializer(purpose).dumps(payload)


def unsign(purpose: str, token: str, max_age_seconds: int | None):
    """The payload of a token made by sign() for this purpose, or None if bad or expired
    (never, with max_age_seconds None)."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None


# C0 control characters and DEL: browsers drop tabs and newlines inside a URL ("/\t/x" is
# "//x", another host), and CR or LF in a Location header fails the response.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def local_path(target: str | None) -> str | None:
    """target if it is a path on this site (for a redirect or a link), else None.

    It starts with one "/" and holds no backslash (browsers read it as "/") and no control
    character, neither as written nor once percent-decoded.
    """
    if not target:
        return None
    for form in (target, unquote(target)):
        if not form.startswith("/") or form.startswith("//"):
            return None
        if "\\" in form or _CONTROL.search(form):
            return None
    return target


def referring_path(referrer: str | None, host: str) -> str | None:
    """The local path (and query) of the page a request came from, if it was on this host."""
    parts = urlsplit(referrer or "")
    if parts.netloc != host:
        return None
    return local_path(parts.path + (f"?{parts.query}" if parts.query else ""))


def fingerprint(value: str) -> str:
    """A short keyed digest: binds a link to a state (a password hash) without showing it."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), "sha256").hexdigest()[:32]


INSTANCE_KEY_FILE = "secret_key"


def instance_secret_key(folder: str) -> tuple[str, bool]:
    """The key kept in folder/secret_key, made (random, mode 0600) if missing; and whether this
    call made it. Raises RuntimeError if the file is there but empty."""
    path = os.path.join(folder, INSTANCE_KEY_FILE)
    made = False
    if not os.path.exists(path):
        os.makedirs(folder, exist_ok=True)
        # Written aside, then linked into place: the file appears whole (never empty to a
        # reader), and when two workers start at once the second link fails, so both go on
        # with the key that won.
        handle, draft = tempfile.mkstemp(dir=folder, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(handle, "w", encoding="ascii") as file:
                file.write(secrets.token_hex(32) + "\n")
            os.link(draft, path)
            made = True
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    with open(path, encoding="ascii") as file:
        key = file.read().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it, and the next start makes a new key")
    return key, made


def _load_user(session_id: str):
    from .models import User

    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    # Error handlers run inside the `except` of the failed request: this is what they handle.
    handling = sys.exc_info()[1]
    try:
        user = db.session.get(User, int(user_id))
    except (OperationalError, InterfaceError, PoolTimeout):
        if isinstance(handling, DBAPIError | PoolTimeout):
            return None  # drawing the "database unavailable" page: show it as to a visitor
        raise
    if user is None or user.session_epoch != int(epoch) or not user.active:
        return None
    return user


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    seconds = current_app.config.get("HSTS_SECONDS") or 0
    if seconds:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={seconds}; includeSubDomains"
        )
    # Pages for a signed-in person stay out of shared and back-button caches (ASVS 8.2.1).
    # (Read from the session, not current_user: no database query, even when it is down.)
    if "Cache-Control" not in response.headers and (
        "_user_id" in session or request.authorization is not None
    ):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    app.after_request(_headers)
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies:
        # Trust exactly that many proxies for the client address (throttling) and scheme.
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=proxies,
            x_proto=proxies,
            x_host=proxies,
            x_port=proxies,
            x_prefix=proxies,
        )
