"""The model manager: downloads, checks and removes model folders.

What can be downloaded is written in ``models/manifest.toml``: for each
model its sources (ModelScope, Hugging Face, with repo id and revision), its
files (with size and sha256 where pinned), VRAM estimate, licence and
languages. Model folders live next to the manifest (``$STUDIO_MODELS``
moves them).

A download never leaves a half-written model where a backend would load it:

* each file streams into ``.downloads/NAME/PATH.part``, hashed as it comes;
  an interrupted transfer keeps the part, and the next run asks the server
  for the rest only (an HTTP ``Range`` request);
* a finished file is checked against its size and sha256 before it is
  renamed into place; a file that does not match is deleted and named in
  the error;
* a new model's folder appears in one rename, once every file checks out;
  repairing an installed model replaces the bad files one by one.

Files the manifest has no checksum for are hashed on arrival and the result
is kept in the model folder's ``.studio-model.json``, so a later ``verify``
still catches a file that changed on disk. Nothing here runs at render time:
a backend only checks that its folder is complete and says which command
fixes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from studio.errors import UserError
from studio.fsutil import fsync_dir, write_bytes_atomic

RECORD_NAME = ".studio-model.json"
STAGING_NAME = ".downloads"
CHUNK = 1 << 20
TIMEOUT_S = 30.0
USER_AGENT = "voice-studio-model-manager"

# (file, bytes done in this file, bytes done overall, bytes overall)
Progress = Callable[[str, int, int, int], None]


# ---------------------------------------------------------------- the manifest

@dataclass(frozen=True)
class ModelFile:
    """One file of a model, relative to its folder."""

    path: str
    size: int | None = None
    sha256: str | None = None
    optional: bool = False  # skipped, not an error, when no source has it


@dataclass(frozen=True)
class Source:
    """Where a model can be fetched from, at one revision."""

    kind: str  # "huggingface", "modelscope" or "http"
    repo: str
    revision: str
    endpoint: str | None = None

    DEFAULT_ENDPOINTS = {  # noqa: RUF012 - a class constant, not a field
        "huggingface": "https://huggingface.co",
        "modelscope": "https://www.modelscope.cn",
    }

    def url(self, path: str) -> str:
        """The download address of ``path`` in this source."""
        base = (self.endpoint or self.DEFAULT_ENDPOINTS.get(self.kind, "")).rstrip("/")
        quoted = urllib.parse.quote(path)
        if self.kind == "huggingface":
            return f"{base}/{self.repo}/resolve/{self.revision}/{quoted}"
        if self.kind == "modelscope":
            query = urllib.parse.urlencode({"Revision": self.revision, "FilePath": path})
            return f"{base}/api/v1/models/{self.repo}/repo?{query}"
        return f"{base}/{quoted}"

    def describe(self) -> str:
        return f"{self.kind} {self.repo}@{self.revision}"


@dataclass(frozen=True)
class ModelSpec:
    """A model the manifest describes."""

    name: str
    title: str
    backend: str
    licence: str
    languages: tuple[str, ...]
    vram_mb: int
    sources: tuple[Source, ...]
    files: tuple[ModelFile, ...]
    homepage: str = ""

    @property
    def pinned(self) -> bool:
        """Every required file has its sha256 in the manifest."""
        return all(f.sha256 for f in self.files if not f.optional)


def repo_models_dir() -> Path:
    """The ``models/`` folder of the source tree (manifest and folders)."""
    return Path(__file__).resolve().parent.parent / "models"


def models_dir() -> Path:
    """Where model folders live: ``$STUDIO_MODELS``, else ``models/``."""
    env = os.environ.get("STUDIO_MODELS")
    return Path(env).expanduser() if env else repo_models_dir()


def manifest_path() -> Path:
    """The manifest in use: ``$STUDIO_MODEL_MANIFEST``, else ``models/manifest.toml``."""
    env = os.environ.get("STUDIO_MODEL_MANIFEST")
    return Path(env).expanduser() if env else repo_models_dir() / "manifest.toml"


def load_manifest(path: Path | None = None) -> dict[str, ModelSpec]:
    """Parse the manifest; :class:`UserError` naming the problem if it is wrong."""
    path = path or manifest_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"model manifest {path} is missing",
                        "restore models/manifest.toml from the source tree") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise UserError(f"model manifest {path} cannot be read: {err}",
                        "fix the file (it is TOML)") from None
    specs: dict[str, ModelSpec] = {}
    for index, entry in enumerate(data.get("model", []), start=1):
        try:
            spec = _spec(entry)
        except (KeyError, TypeError, ValueError) as err:
            raise UserError(f"model manifest {path}: entry {index} is incomplete ({err})",
                            "every model needs name, backend, sources and files") from None
        specs[spec.name] = spec
    return specs


def _spec(entry: dict[str, Any]) -> ModelSpec:
    files = tuple(
        ModelFile(str(f["path"]), f.get("size"), f.get("sha256") or None,
                  bool(f.get("optional", False)))
        for f in entry["files"]
    )
    for f in files:
        if Path(f.path).is_absolute() or ".." in Path(f.path).parts:
            raise ValueError(f"file path {f.path!r} leaves the model folder")
    sources = tuple(
        Source(str(s["kind"]), str(s["repo"]), str(s["revision"]), s.get("endpoint"))
        for s in entry["sources"]
    )
    if not files or not sources:
        raise ValueError("no files or no sources")
    return ModelSpec(
        name=str(entry["name"]), title=str(entry.get("title", entry["name"])),
        backend=str(entry["backend"]), licence=str(entry.get("licence", "unknown")),
        languages=tuple(entry.get("languages", ())), vram_mb=int(entry.get("vram_mb", 0)),
        sources=sources, files=files, homepage=str(entry.get("homepage", "")),
    )


# ---------------------------------------------------------------- status and checks

@dataclass
class FileProblem:
    path: str
    problem: str  # "missing", "size", "checksum"
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class ModelStatus:
    """What is on disk for one model (sizes only: cheap enough for a list)."""

    spec: ModelSpec
    folder: Path
    state: str  # "installed", "incomplete", "downloading", "absent"
    bytes_on_disk: int = 0
    problems: list[FileProblem] = field(default_factory=list)


class ModelStore:
    """The model folders under one directory, described by one manifest."""

    def __init__(self, root: Path | None = None, manifest: Path | None = None) -> None:
        self.root = Path(root) if root else models_dir()
        self.specs = load_manifest(manifest)

    def spec(self, name: str) -> ModelSpec:
        if name not in self.specs:
            known = ", ".join(sorted(self.specs)) or "none"
            raise UserError(f"no model named {name!r} in the manifest",
                            f"models: {known} (studio models list)")
        return self.specs[name]

    def folder(self, name: str) -> Path:
        return self.root / name

    def _staging(self, name: str) -> Path:
        return self.root / STAGING_NAME / name

    def record(self, name: str, folder: Path | None = None) -> dict[str, Any]:
        """The install record (source, revision, sizes and hashes as downloaded)."""
        path = (folder or self.folder(name)) / RECORD_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return data if isinstance(data, dict) else {}

    def _expected(self, name: str,
                  folder: Path | None = None) -> dict[str, tuple[int | None, str | None]]:
        """Size and sha256 per file: the manifest's, else the install record's."""
        recorded = self.record(name, folder).get("files", {})
        expected = {}
        for f in self.spec(name).files:
            seen = recorded.get(f.path, {})
            expected[f.path] = (f.size if f.size is not None else seen.get("size"),
                                f.sha256 or seen.get("sha256"))
        return expected

    def _skipped(self, name: str, folder: Path | None = None) -> set[str]:
        return set(self.record(name, folder).get("skipped", []))

    def status(self, name: str) -> ModelStatus:
        """Installed, incomplete, downloading or absent, by sizes alone."""
        spec = self.spec(name)
        folder = self.folder(name)
        if not folder.is_dir():
            state = "downloading" if self._staging(name).is_dir() else "absent"
            return ModelStatus(spec, folder, state)
        problems = self._check(name, hashes=False)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        return ModelStatus(spec, folder, "incomplete" if problems else "installed", size,
                           problems)

    def verify(self, name: str, progress: Progress | None = None) -> list[FileProblem]:
        """Every file present, of its size and sha256; the problems found."""
        if not self.folder(name).is_dir():
            raise UserError(f"model {name} is not downloaded",
                            f"run: studio models download {name}")
        return self._check(name, hashes=True, progress=progress)

    def check_folder(self, name: str, folder: Path | None = None) -> list[FileProblem]:
        """Missing or wrong-sized files of model ``name`` in ``folder`` (by
        default its managed folder): fast enough to run before every load."""
        return self._check(name, hashes=False, folder=folder)

    def _check(self, name: str, *, hashes: bool, progress: Progress | None = None,
               folder: Path | None = None) -> list[FileProblem]:
        folder = folder or self.folder(name)
        expected = self._expected(name, folder)
        skipped = self._skipped(name, folder)
        total = sum(size or 0 for size, _ in expected.values())
        done = 0
        problems: list[FileProblem] = []
        for f in self.spec(name).files:
            path = folder / f.path
            size, digest = expected[f.path]
            if not path.is_file():
                if not (f.optional and (f.path in skipped or not expected[f.path][0])):
                    problems.append(FileProblem(f.path, "missing"))
                continue
            actual = path.stat().st_size
            if size is not None and actual != size:
                problems.append(FileProblem(f.path, "size", f"{actual} bytes, expected {size}"))
                continue
            if hashes and digest:
                got = _sha256_file(path, _progress_for(progress, f.path, done, total))
                if got != digest:
                    problems.append(FileProblem(
                        f.path, "checksum", f"sha256 {got[:12]}…, expected {digest[:12]}…"))
            done += actual
        return problems

    # ------------------------------------------------------------ download
    def download(self, name: str, source: str | None = None,
                 progress: Progress | None = None) -> Path:
        """Fetch the model (or repair it); returns its folder. Resumable."""
        spec = self.spec(name)
        sources = [s for s in spec.sources if source in (None, s.kind)]
        if not sources:
            kinds = ", ".join(s.kind for s in spec.sources)
            raise UserError(f"model {name} has no source {source!r}", f"sources: {kinds}")
        staging = self._staging(name)
        staging.mkdir(parents=True, exist_ok=True)
        with _exclusive(staging / ".lock", name):
            final = self.folder(name)
            installed = final.is_dir()
            if installed:
                todo = {p.path for p in self._check(name, hashes=True)}
            else:
                todo = {f.path for f in spec.files}
            files = [f for f in spec.files if f.path in todo]
            _check_space(self.root, files, staging)
            fetched = _Fetch(spec, sources, staging, files, progress).run()
            if installed:
                for f in files:
                    if f.path in fetched.skipped:
                        continue
                    target = final / f.path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(staging / f.path, target)
                    fsync_dir(target.parent)
                record = self.record(name)
                record.setdefault("files", {}).update(fetched.files)
                self._write_record(final, record | {"repaired_at": time.time()})
            else:
                record = {"name": name, "source": fetched.source, "revision": fetched.revision,
                          "downloaded_at": time.time(), "files": fetched.files,
                          "skipped": sorted(fetched.skipped)}
                self._write_record(staging, record)
                (staging / ".lock").unlink(missing_ok=True)
                os.replace(staging, final)
                fsync_dir(final.parent)
        shutil.rmtree(staging, ignore_errors=True)
        return final

    @staticmethod
    def _write_record(folder: Path, record: dict[str, Any]) -> None:
        data = json.dumps(record, indent=2, sort_keys=True).encode()
        write_bytes_atomic(folder / RECORD_NAME, data)

    # ------------------------------------------------------------ remove
    def remove(self, name: str) -> int:
        """Delete the model's folder and any partial download; bytes freed."""
        self.spec(name)
        freed, removed = 0, False
        for folder in (self.folder(name), self._staging(name)):
            if not folder.exists():
                continue
            freed += sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            # Rename first: a crash mid-delete leaves a trash folder, never a
            # model folder that looks installed but is missing files.
            trash = folder.with_name(f".trash-{folder.name}-{os.getpid()}")
            os.replace(folder, trash)
            shutil.rmtree(trash)
            removed = True
        if not removed:
            raise UserError(f"model {name} is not downloaded", "nothing to remove")
        return freed


@contextlib.contextmanager
def _exclusive(path: Path, name: str) -> Iterator[None]:
    handle = open(path, "a+")  # noqa: SIM115 - held for the whole download
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"model {name} is already being downloaded",
                            "wait for the other download to finish") from None
        yield
    finally:
        handle.close()


def _check_space(root: Path, files: list[ModelFile], staging: Path) -> None:
    """Refuse a download that cannot fit (sizes the manifest knows, less what is
    already staged), before a byte is fetched."""
    need = 0
    for f in files:
        if f.size is None:
            continue
        have = 0
        for done in (staging / f.path, staging / (f.path + ".part")):
            if done.exists():
                have = done.stat().st_size
        need += max(0, f.size - have)
    free = shutil.disk_usage(root).free
    if need > free:
        raise UserError(f"the download needs {_size(need)} but {root} has {_size(free)} free",
                        "free some space, or set STUDIO_MODELS to a folder on a larger disk")


def _progress_for(progress: Progress | None, path: str, before: int,
                  total: int) -> Callable[[int], object] | None:
    if progress is None:
        return None
    return lambda n: progress(path, n, before + n, total)


def _sha256_file(path: Path, progress: Callable[[int], object] | None = None) -> str:
    digest = hashlib.sha256()
    done = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(done)
    return digest.hexdigest()


# ---------------------------------------------------------------- fetching

class _Corrupt(UserError):
    """A downloaded file does not match its size or checksum."""


class _NotThere(Exception):
    """This source does not have this file (404) or cannot be reached."""


@dataclass
class _Fetched:
    source: str = ""
    revision: str = ""
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)


class _Fetch:
    """One download run: the listed files into the staging folder."""

    def __init__(self, spec: ModelSpec, sources: list[Source], staging: Path,
                 files: list[ModelFile], progress: Progress | None) -> None:
        self.spec, self.sources = spec, sources
        self.staging, self.files, self.progress = staging, files, progress
        self.total = sum(f.size or 0 for f in files)
        self.done = 0
        self.result = _Fetched()

    def run(self) -> _Fetched:
        corrupt: list[str] = []
        if self.progress:
            self.progress("", 0, 0, self.total)
        for f in self.files:
            target = self.staging / f.path
            if target.is_file() and self._matches(f, target):
                self._finished(f, target, _sha256_file(target))  # from an earlier run
                continue
            try:
                self._fetch_any(f, target)
            except _Corrupt as err:  # the other files are still worth fetching
                corrupt.append(err.problem)
        if corrupt:
            raise UserError(
                f"downloaded files of model {self.spec.name} are corrupt: {'; '.join(corrupt)}; "
                "the bad files were deleted, the good ones are kept",
                f"run: studio models download {self.spec.name} (to fetch them again)",
            )
        return self.result

    def _matches(self, f: ModelFile, path: Path) -> bool:
        if f.size is not None and path.stat().st_size != f.size:
            return False
        return f.sha256 is None or _sha256_file(path) == f.sha256

    def _fetch_any(self, f: ModelFile, target: Path) -> None:
        tried = []
        for source in self.sources:
            try:
                digest = self._fetch(source, f, target)
            except _NotThere as err:
                tried.append(f"{source.describe()}: {err}")
                continue
            self.result.source = self.result.source or source.describe()
            self.result.revision = self.result.revision or source.revision
            self._finished(f, target, digest)
            return
        if f.optional:
            self.result.skipped.add(f.path)
            return
        raise UserError(
            f"cannot download {f.path} of model {self.spec.name}: " + "; ".join(tried),
            "check the network connection (or try --source), then run the command again",
        )

    def _finished(self, f: ModelFile, target: Path, digest: str) -> None:
        self.result.files[f.path] = {"size": target.stat().st_size, "sha256": digest}

    def _fetch(self, source: Source, f: ModelFile, target: Path) -> str:
        part = target.with_name(target.name + ".part")
        part.parent.mkdir(parents=True, exist_ok=True)
        have = part.stat().st_size if part.exists() else 0
        if f.size is not None and have > f.size:
            part.unlink()
            have = 0
        request = urllib.request.Request(source.url(f.path), headers={"User-Agent": USER_AGENT})
        if have:
            request.add_header("Range", f"bytes={have}-")
        try:
            response = urllib.request.urlopen(request, timeout=TIMEOUT_S)
        except urllib.error.HTTPError as err:
            if err.code == 416 and have and f.size == have:  # the part is already whole
                return self._check_and_place(f, part, target, _sha256_file(part))
            if err.code in (401, 403, 404, 410, 416):
                raise _NotThere(f"HTTP {err.code}") from None
            raise _NotThere(f"HTTP {err.code} {err.reason}") from None
        except (urllib.error.URLError, OSError) as err:
            raise _NotThere(str(getattr(err, "reason", err))) from None
        with response:
            if response.status != 206:  # the server ignored the range: start over
                have = 0
            length = response.headers.get("Content-Length")
            expected = f.size if f.size is not None else (
                have + int(length) if length and length.isdigit() else None)
            digest = hashlib.sha256()
            mode = "ab" if have else "wb"
            if have:
                with open(part, "rb") as old:
                    while chunk := old.read(CHUNK):
                        digest.update(chunk)
            got = have
            with open(part, mode) as out:
                try:
                    while chunk := response.read(CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        got += len(chunk)
                        self._report(f.path, got, len(chunk))
                except (OSError, urllib.error.URLError) as err:
                    _flush(out)
                    raise self._interrupted(f, got, expected, err) from None
                _flush(out)
            if expected is not None and got < expected:
                raise self._interrupted(f, got, expected, "the connection closed early")
        return self._check_and_place(f, part, target, digest.hexdigest())

    def _check_and_place(self, f: ModelFile, part: Path, target: Path, digest: str) -> str:
        size = part.stat().st_size
        if (f.size is not None and size != f.size) or (f.sha256 and digest != f.sha256):
            part.unlink()
            what = (f"{size} bytes, expected {f.size}" if f.size is not None and size != f.size
                    else f"sha256 {digest[:12]}…, expected {(f.sha256 or '')[:12]}…")
            raise _Corrupt(f"{f.path} ({what})")
        os.replace(part, target)
        fsync_dir(target.parent)
        return digest

    def _interrupted(self, f: ModelFile, got: int, expected: int | None,
                     why: object) -> UserError:
        of = f" of {_mb(expected)}" if expected else ""
        return UserError(
            f"download of {f.path} (model {self.spec.name}) was interrupted at "
            f"{_mb(got)}{of}: {why}",
            f"run: studio models download {self.spec.name} (it resumes where it stopped)",
        )

    def _report(self, path: str, in_file: int, step: int) -> None:
        self.done += step
        if self.progress:
            self.progress(path, in_file, self.done, self.total)


def _flush(handle: IO[bytes]) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _size(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 10**9 else _mb(size)
