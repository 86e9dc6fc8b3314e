"""Where the library lives: ``--library DIR``, else ``$STUDIO_HOME``, else the
platform's per-user data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "VoiceStudio"


def default_library_dir() -> Path:
    """The library folder used when none is given on the command line."""
    env = os.environ.get("STUDIO_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def repo_resource(*parts: str) -> Path:
    """A file under the source tree's ``resources/`` folder (examples, icons)."""
    return Path(__file__).resolve().parent.parent.joinpath("resources", *parts)


def farm_cache_dir() -> Path:
    """Where a farm worker keeps what it fetched (voices' prompt clips)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "farm"
