"""Secrets kept encrypted in the database (the TOTP keys): Fernet, with keys that rotate.

The keys are TOTP_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first: new secrets
are encrypted with the first, every listed key still decrypts). Without it one key is
derived from SECRET_KEY, so development and the tests need no setting; production should
set its own, so that a leaked SECRET_KEY does not also reveal the second factors.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# Every Fernet token starts with its version byte 0x80 and a 64-bit timestamp: "gAAAA…".
TOKEN_PREFIX = "gAAAA"


def derived_key(secret_key: str) -> bytes:
    """A Fernet key derived from SECRET_KEY (HKDF-SHA256), for when no key is configured."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"kokeilu totp").derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


def parse_keys(value: str) -> list[bytes]:
    """The Fernet keys of a comma-separated list; raises ValueError for a malformed one."""
    keys = [part.strip().encode() for part in value.split(",") if part.strip()]
    if not keys:
        raise ValueError("no key given")
    for key in keys:
        try:
            Fernet(key)
        except ValueError as error:
            raise ValueError(
                "each key must be 32 url-safe base64-encoded bytes (Fernet.generate_key())"
            ) from error
    return keys


def keyring(config: Mapping) -> MultiFernet:
    """The configured keys, newest first, or the one derived from SECRET_KEY."""
    listed = config.get("TOTP_ENCRYPTION_KEYS")
    keys = parse_keys(listed) if listed else [derived_key(config["SECRET_KEY"])]
    return MultiFernet([Fernet(key) for key in keys])


def is_sealed(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def seal(secret: str, config: Mapping | None = None) -> str:
    """The secret encrypted under the newest key."""
    return keyring(config or current_app.config).encrypt(secret.encode()).decode()


def unseal(token: str, config: Mapping | None = None) -> str:
    """The secret a token holds; raises RuntimeError if no configured key opens it."""
    try:
        return keyring(config or current_app.config).decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise RuntimeError(
            "a stored secret cannot be decrypted: is the key that encrypted it missing "
            "from TOTP_ENCRYPTION_KEYS (or SECRET_KEY changed without it)?"
        ) from error


def reseal(token: str, config: Mapping | None = None) -> str:
    """The same secret encrypted under the newest key, so that older keys can be retired."""
    return seal(unseal(token, config), config)
