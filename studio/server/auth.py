"""Who may call: API keys (:mod:`studio.core.keys`) and the per-key limits
(:class:`Slots`: requests in flight, and exports in flight).

Every request but ``/health`` needs a live key: ``Authorization: Bearer
KEY``, or ``apikey`` in the original contract's JSON body or query. A key
checked once is remembered by its SHA-256 for a second (scrypt is slow on
purpose; the revocation is read again after that second).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from starlette.requests import Request

from studio.core import keys
from studio.core.store import Library
from studio.server.db import Db
from studio.server.errors import ApiError

RECHECK_S = 1.0
MISSING = ("no API key: send `Authorization: Bearer KEY` (make one with `studio keys add "
           "NAME`)")
INVALID = "the API key is not valid or was revoked: check it, or make one with `studio keys add`"


def bearer(request: Request) -> str | None:
    """The key a request carries in its headers or query, if any."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.headers.get("x-api-key") or request.query_params.get("apikey")


def _still_live(library: Library, key_id: str) -> bool:
    row = library.api_key(key_id)
    return row is not None and row["revoked_at"] is None


class Slots:
    """Each key's count of something in flight (``what``: "requests",
    "exports"), at most ``limit`` a key; one more is answered 429 with
    ``Retry-After: 1``. The counts live in this process, on the event loop."""

    def __init__(self, limit: int, what: str) -> None:
        self.limit = limit
        self.what = what
        self._busy: dict[str, int] = defaultdict(int)

    def busy(self, name: str) -> int:
        """How many the key ``name`` has in flight."""
        return self._busy.get(name, 0)

    @contextlib.contextmanager
    def slot(self, name: str) -> Iterator[None]:
        """One of the key's ``what`` in flight; 429 past the limit."""
        if self._busy[name] >= self.limit:
            raise ApiError(429, f"key {name!r} has {self.limit} {self.what} in flight, its "
                           "limit: wait for one to finish and retry",
                           code="rate_limit_exceeded", headers={"Retry-After": "1"})
        self._busy[name] += 1
        try:
            yield
        finally:
            self._busy[name] -= 1
            if not self._busy[name]:
                del self._busy[name]


class Keys:
    """Checks keys and counts each key's requests in flight."""

    def __init__(self, db: Db, limit: int) -> None:
        self.db = db
        self.limit = limit
        self._known: dict[bytes, tuple[str, str, float]] = {}  # sha256 -> name, id, checked
        self._requests = Slots(limit, "requests")

    async def check(self, key: str | None) -> str:
        """The key's name; :class:`ApiError` 401 if it is missing or not live."""
        if not key:
            raise ApiError(401, MISSING, code="missing_api_key")
        token = hashlib.sha256(key.encode()).digest()
        known = self._known.get(token)
        now = time.monotonic()
        if known is not None:
            name, key_id, checked = known
            if now - checked < RECHECK_S:
                return name
            if await self.db.run(_still_live, key_id):
                self._known[token] = (name, key_id, now)
                return name
            self._known.pop(token, None)
            raise ApiError(401, INVALID, code="invalid_api_key")
        row: dict[str, Any] | None = await self.db.run(keys.check_key, key)
        if row is None:
            raise ApiError(401, INVALID, code="invalid_api_key")
        if len(self._known) > 10_000:
            self._known.clear()
        self._known[token] = (row["name"], row["key_id"], now)
        return str(row["name"])

    def slot(self, name: str) -> contextlib.AbstractContextManager[None]:
        """One of the key's requests in flight; 429 past the limit."""
        return self._requests.slot(name)
