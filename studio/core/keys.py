"""API keys of ``studio serve``: made once, shown once, stored hashed.

A key reads ``vs-<key id>-<secret>``. The key id is public (it finds the
row); the secret is 32 random bytes, stored only as a salted scrypt hash
(:func:`hashlib.scrypt`, 16 MiB, about 50 ms), compared in constant time; an
unknown or revoked key id costs the same scrypt, so the time of a refusal does
not tell which ids exist. A revoked key's row stays (``revoked_at``) so that
``studio keys list`` shows what was revoked and when; its name may be given to
a new key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from typing import Any

from studio.core.store import Library
from studio.errors import UserError

PREFIX = "vs"
_NAME = re.compile(r"^[\w][\w.@-]{0,63}$")
_KEY = re.compile(r"^vs-([0-9a-f]{12})-([\w-]{20,100})$")
_NO_SALT, _NO_HASH = os.urandom(16), os.urandom(32)  # what an unknown id is checked against


def _digest(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


def add_key(library: Library, name: str) -> str:
    """A new key named ``name``; returns it (the only time it is seen)."""
    name = name.strip()
    if not _NAME.match(name):
        raise UserError(f"{name!r} is not a usable key name",
                        "use up to 64 letters, digits, dots, dashes, @ or underscores")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = os.urandom(16)
    library.add_api_key(name, key_id, salt, _digest(secret, salt))
    return f"{PREFIX}-{key_id}-{secret}"


def split_key(key: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    found = _KEY.match(key.strip())
    return (found.group(1), found.group(2)) if found else None


def check_key(library: Library, key: str) -> dict[str, Any] | None:
    """The live key's row (name, key_id, …) if ``key`` is one, else None."""
    parts = split_key(key)
    if parts is None:
        return None
    row = library.api_key(parts[0])
    salt, stored = (row["salt"], row["hash"]) if row is not None else (_NO_SALT, _NO_HASH)
    matches = hmac.compare_digest(_digest(parts[1], salt), stored)  # known id or not
    if row is None or row["revoked_at"] is not None or not matches:
        return None
    return row


def list_keys(library: Library) -> list[dict[str, Any]]:
    """Every key, without secrets or hashes."""
    return library.api_keys()


def revoke_key(library: Library, name: str) -> None:
    """Revoke the live key named ``name``."""
    library.revoke_api_key(name)
