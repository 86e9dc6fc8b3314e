"""What the desktop and the farm's workers say to each other through Redis.

Everything in Redis is data: JSON validated by the models below, and audio
as FLAC bytes. Nothing is ever unpickled or evaluated, and every message is
checked on arrival (its protocol version, the types, the lengths), whoever
wrote it.

Keys, all under one namespace (one library per Redis database):

``studio:farm``                  hash: protocol, owner (library), epoch, lease_ms
``studio:jobs:<backend>``        stream of :class:`JobMessage`; group ``workers``
``studio:results``               stream of :class:`ResultMeta` + audio; group ``desktop``
``studio:inflight``              hash job id -> the :class:`JobMessage` handed out
``studio:workers``               hash worker name -> :class:`WorkerBeat`
``studio:prompt:<sha256>``       a cloned voice's prompt clip (content-addressed)
``studio:options:<backend>``     the library's options for a backend (JSON), as each job
                                 also carries them
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from studio.errors import UserError

if TYPE_CHECKING:
    import redis

PROTOCOL = 1
NS = "studio"
CONFIG = f"{NS}:farm"
RESULTS = f"{NS}:results"
INFLIGHT = f"{NS}:inflight"
WORKERS = f"{NS}:workers"
WORKER_GROUP = "workers"
DESKTOP_GROUP = "desktop"
PASSWORD_ENV = "STUDIO_FARM_PASSWORD"
HEARTBEAT_S = 2.0  # how often a worker says it is alive
GONE_S = 15.0  # a worker silent this long is gone (its jobs are reclaimed by the lease)
MAX_AUDIO_BYTES = 64 * 2**20
MAX_TAKE_S = 600.0
MAX_TEXT = 20_000
PROMPT_TTL_S = 7 * 86400

Name = Annotated[str, Field(min_length=1, max_length=200)]
Id = Annotated[int, Field(gt=0, le=2**63 - 1)]  # a SQLite row id
Token = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
Sha = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


def jobs_key(backend: str) -> str:
    """The stream of ``backend``'s jobs."""
    return f"{NS}:jobs:{backend}"


def options_key(backend: str) -> str:
    """The library's options for ``backend`` (JSON): what a worker loads with."""
    return f"{NS}:options:{backend}"


def prompt_key(sha: str) -> str:
    """Where a prompt clip's bytes are, by their sha256."""
    return f"{NS}:prompt:{sha}"


class BadMessage(ValueError):
    """A message that does not follow the protocol: dropped, and said so."""


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: int

    @classmethod
    def parse(cls, data: bytes | str | None) -> Self:
        """The message in ``data``, or :class:`BadMessage` saying what is wrong."""
        if data is None:
            raise BadMessage(f"no {cls.__name__} in the entry")
        if len(data) > 1_000_000:
            raise BadMessage(f"a {cls.__name__} of {len(data)} bytes (the limit is 1 MB)")
        try:
            message = cls.model_validate_json(data)
        except ValidationError as err:
            version = loads(data).get("v")
            if isinstance(version, int) and version != PROTOCOL:
                raise BadMessage(_version_problem(version)) from None
            first = err.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the message"
            raise BadMessage(f"{cls.__name__}: {where}: {first['msg']}") from None
        except Exception as err:  # whatever a hostile text makes the parser raise
            raise BadMessage(f"{cls.__name__}: unreadable ({type(err).__name__})") from None
        if message.v != PROTOCOL:
            raise BadMessage(_version_problem(message.v))
        return message

    def dump(self) -> str:
        return self.model_dump_json()


def loads(data: Any) -> dict[str, Any]:
    """``data`` as a JSON object, or {} when it is not one (whatever is wrong with it)."""
    try:
        value = json.loads(data)
    except Exception:  # not text, not JSON, nested past the parser's depth
        return {}
    return value if isinstance(value, dict) else {}


def _version_problem(version: int) -> str:
    older = "an older" if version < PROTOCOL else "a newer"
    return (f"a message of farm protocol {version}, from {older} studio (this one speaks "
            f"{PROTOCOL}): install the same studio version on the desktop and every worker")


class VoiceSpec(BaseModel):
    """The voice a job speaks with; a clone's prompt travels by its sha256."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    kind: Annotated[str, Field(pattern="^(preset|clone)$")]
    language: Annotated[str, Field(max_length=20)]
    transcript: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    prompt: Sha | None = None
    prompt_suffix: Annotated[str, Field(pattern=r"^\.[a-z0-9]{1,5}$")] = ".wav"


class JobMessage(_Message):
    """One render job handed to the farm."""

    job_id: Id
    token: Token
    backend: Name
    speech: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    seed: int
    speed: Annotated[float, Field(gt=0.1, lt=10)]
    voice: VoiceSpec
    max_deliveries: Annotated[int, Field(ge=1, le=100)]
    options: dict[str, Any] = {}  # the library's options for the backend
    # what the desktop needs back to record the take: as the segment was when claimed
    text: Annotated[str, Field(max_length=MAX_TEXT)]
    voice_id: Id
    published_at: float


class ResultMeta(_Message):
    """What a worker made of a job: a take (audio alongside), or an error."""

    job_id: Id
    token: Token
    worker: Name
    host: Name
    device: Annotated[str, Field(min_length=1, max_length=60)]
    backend: Name
    sample_rate: Annotated[int, Field(ge=0, le=384_000)] = 0
    frames: Annotated[int, Field(ge=0)] = 0
    sha256: Sha | None = None
    error: Annotated[str, Field(max_length=4000)] | None = None
    dead: bool = False  # delivered past its limit: the workers that took it died
    seconds: Annotated[float, Field(ge=0)] = 0.0


class WorkerBeat(_Message):
    """A worker's heartbeat: who, where, doing what."""

    name: Name
    host: Name
    pid: Annotated[int, Field(ge=0, le=2**31)]
    device: Annotated[str, Field(max_length=60)]
    backend: Name
    state: Annotated[str, Field(pattern="^(loading|idle|busy|stopped|failed)$")]
    job: Id | None = None
    jobs_done: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    started_at: float
    last_seen: float
    error: Annotated[str, Field(max_length=4000)] | None = None

    def alive(self, now: float) -> bool:
        """Heard from lately (``now`` by Redis's clock, as ``last_seen`` is), and not stopped."""
        return self.state not in ("stopped", "failed") and now - self.last_seen < GONE_S


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- connecting

def read_password(password_file: str | None) -> str | None:
    """The farm's password: from the file if given, else ``$STUDIO_FARM_PASSWORD``."""
    if password_file:
        try:
            text = Path(password_file).read_text(encoding="utf-8")
        except OSError as err:
            raise UserError(f"cannot read the farm's password file {password_file}: "
                            f"{err.strerror}", "give a readable file with the password "
                            "on its first line") from None
        password = text.splitlines()[0].strip() if text.strip() else ""
        if not password:
            raise UserError(f"the farm's password file {password_file} is empty",
                            "write the password on its first line")
        return password
    return os.environ.get(PASSWORD_ENV) or None


def check_url(url: str) -> str:
    """The URL if it names a Redis server and carries no password; else why not."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise UserError(f"{url!r} is not a Redis URL",
                        "give redis://HOST:PORT/DB, rediss://HOST:PORT/DB (TLS) or "
                        "unix:///path/to/redis.sock")
    if parts.password or "password=" in parts.query:
        raise UserError("the farm's URL carries a password, which would be stored and "
                        "shown in plain text",
                        f"give it in ${PASSWORD_ENV} or a file (--password-file) instead")
    if parts.scheme != "unix" and not parts.hostname:
        raise UserError(f"{url!r} names no host", "give redis://HOST:PORT/DB")
    return url


def where(url: str) -> str:
    """The URL as a message names it."""
    parts = urlsplit(url)
    return parts.path if parts.scheme == "unix" else f"{parts.hostname}:{parts.port or 6379}"


def connect(url: str, password: str | None, timeout_s: float = 5.0) -> redis.Redis:
    """A client of the farm's Redis, checked with a PING: a clear
    :class:`UserError` when it cannot be reached or refuses the password."""
    import redis

    check_url(url)
    try:
        client = redis.Redis.from_url(url, password=password, socket_timeout=timeout_s,
                                      socket_connect_timeout=timeout_s,
                                      health_check_interval=30)
        client.ping()
    except redis.AuthenticationError:
        if password is None:
            raise UserError(f"Redis at {where(url)} asks for a password",
                            f"give it in ${PASSWORD_ENV} or a file (--password-file)") from None
        raise UserError(f"Redis at {where(url)} refused the password",
                        f"check ${PASSWORD_ENV} or the password file") from None
    except redis.ResponseError as err:
        if "NOAUTH" in str(err) or "WRONGPASS" in str(err):
            raise UserError(f"Redis at {where(url)} asks for a password",
                            f"give it in ${PASSWORD_ENV} or a file (--password-file)") from None
        raise UserError(f"Redis at {where(url)} answered: {err}") from None
    except (redis.ConnectionError, redis.TimeoutError, OSError) as err:
        if "CERTIFICATE_VERIFY_FAILED" in str(err):
            raise UserError(f"the TLS certificate of Redis at {where(url)} could not be "
                            "verified", "give the certificate of the authority that signed "
                            "it: rediss://HOST:PORT/DB?ssl_ca_certs=/path/ca.pem") from None
        raise UserError(f"cannot reach Redis at {where(url)}: {err}",
                        "check that redis-server runs there and that its port is open to "
                        "this machine") from None
    return client


def redis_now(client: redis.Redis) -> float:
    """Redis's clock, in seconds: the one clock heartbeats are stamped and read
    by, so that machines whose clocks disagree still see each other alive."""
    seconds, micros = client.time()
    return float(seconds) + micros / 1e6


def ensure_group(client: redis.Redis, key: str, group: str) -> None:
    """The consumer group on the stream (both made if missing)."""
    import redis

    try:
        client.xgroup_create(key, group, id="0", mkstream=True)
    except redis.ResponseError as err:
        if "BUSYGROUP" not in str(err):
            raise


def farm_config(client: redis.Redis) -> dict[str, str]:
    """The farm's hash (protocol, owner, epoch, lease_ms), decoded; {} if none."""
    raw: Any = client.hgetall(CONFIG)
    return {key.decode(): value.decode() for key, value in raw.items()}


def protocol_problem(config: dict[str, str]) -> str | None:
    """Why a worker of this studio cannot serve this farm, or None."""
    version = config.get("protocol")
    if version is None or not version.isdigit() or int(version) == PROTOCOL:
        return None
    return (f"this farm speaks protocol {version} and this worker {PROTOCOL}: install the "
            "same studio version on the desktop and every worker")
