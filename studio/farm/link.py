"""A library's link to its farm: where the farm's Redis is, and whose it is.

The library keeps the URL (never a password: that comes from
``$STUDIO_FARM_PASSWORD`` or a file whose path is kept), a random id that
marks the farm as this library's (one library per Redis database), and the
farm's epoch: a random value written into Redis when the farm is set up. A
Redis that has lost its data has no epoch, or another, and the bridge then
hands out again, from the library, everything the farm held.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.store import Library
from studio.errors import UserError
from studio.farm import protocol

if TYPE_CHECKING:
    import redis


@dataclass(frozen=True)
class FarmLink:
    """The library's ``farm.*`` settings."""

    url: str
    password_file: str | None
    owner: str
    epoch: str

    @classmethod
    def of(cls, library: Library) -> FarmLink | None:
        """The library's link, or None when it is not connected to a farm."""
        values = library.settings_with_prefix("farm.")
        if not values.get("url"):
            return None
        return cls(values["url"], values.get("password_file"), values.get("owner", ""),
                   values.get("epoch", ""))

    def connect(self, timeout_s: float = 5.0) -> redis.Redis:
        """A checked client of the farm's Redis (see :func:`protocol.connect`)."""
        return protocol.connect(self.url, protocol.read_password(self.password_file),
                                timeout_s)


def set_up(client: redis.Redis, owner: str, lease_s: float) -> str:
    """Write the farm's hash for ``owner`` with a fresh epoch; the epoch."""
    epoch = secrets.token_hex(8)
    client.hset(protocol.CONFIG, mapping={
        "protocol": str(protocol.PROTOCOL), "owner": owner, "epoch": epoch,
        "lease_ms": str(int(lease_s * 1000)), "created_at": str(time.time())})
    return epoch


def attach(library: Library, url: str, password_file: str | None, lease_s: float) -> FarmLink:
    """Connect the library to the farm at ``url``: check that Redis answers
    (and takes the password), that no other library's farm is there, and that
    it speaks this protocol; then keep the link. Raises :class:`UserError`
    saying what is wrong, and keeps nothing then."""
    protocol.check_url(url)
    password = protocol.read_password(password_file)
    client = protocol.connect(url, password)
    try:
        config = protocol.farm_config(client)
        owner = library.get_setting("farm.owner") or secrets.token_hex(8)
        if config.get("owner") and config["owner"] != owner:
            raise UserError(
                f"Redis at {protocol.where(url)} already serves another library's farm",
                "give each library its own Redis database (the number at the end of the "
                "URL: redis://HOST:PORT/1), or disconnect the other library")
        problem = protocol.protocol_problem(config)
        if problem:
            raise UserError(problem.replace("this worker", "this studio"))
        epoch = config.get("epoch") if config.get("owner") == owner else None
        if not epoch:
            epoch = set_up(client, owner, lease_s)
        else:
            client.hset(protocol.CONFIG, "lease_ms", str(int(lease_s * 1000)))
    finally:
        client.close()
    values = {"farm.url": url, "farm.owner": owner, "farm.epoch": epoch}
    if password_file:
        values["farm.password_file"] = str(Path(password_file).resolve())
    library.update_settings(values, remove=() if password_file else ("farm.password_file",))
    link = FarmLink.of(library)
    assert link is not None
    return link


def detach(library: Library) -> None:
    """Forget the farm (the owner id stays: reconnecting finds its own farm)."""
    library.update_settings({}, remove=("farm.url", "farm.password_file", "farm.epoch"))


def clear_jobs(client: redis.Redis) -> None:
    """Delete the jobs the farm holds for the library (it left): workers
    take no more of them, and a take already on its way is dropped."""
    keys = list(client.scan_iter(match=protocol.jobs_key("*"), count=100))
    pipe = client.pipeline(transaction=True)
    for key in keys:
        pipe.xtrim(key, maxlen=0)
    pipe.delete(protocol.INFLIGHT)
    pipe.execute()
