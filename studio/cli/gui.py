"""``studio gui`` (and ``studio`` alone): the desktop studio."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from studio.errors import UserError
from studio.paths import default_library_dir


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """``studio gui``."""
    gui = sub.add_parser("gui", parents=[common], help="open the desktop studio (the default)")
    gui.add_argument("--screenshot", type=Path, metavar="FILE",
                     help="render a view offscreen to a PNG at 1280x800 and exit")
    gui.add_argument("--view",
                     choices=["voices", "projects", "queue", "engine", "models", "pronunciation"],
                     help="the page to open (default: the one left open; for a screenshot, "
                          "projects)")
    gui.add_argument("--language", choices=["en", "zh_CN"],
                     help="interface language (default: the saved choice, else the system's)")
    gui.add_argument("--theme", choices=["system", "light", "dark"],
                     help="light or dark (default: the saved choice, else the system's)")


def cmd_gui(args: argparse.Namespace) -> int:
    """``studio gui`` (and ``studio`` alone): the desktop studio."""
    import os

    screenshot = getattr(args, "screenshot", None)
    headless = not any(os.environ.get(name) for name in
                       ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    if sys.platform.startswith("linux") and headless and screenshot is None:
        raise UserError("there is no display to open the studio window on",
                        "run it in a desktop session, or use `studio render SCRIPT` "
                        "(`studio --help` lists the commands)")
    from studio.ui.app import run

    root = args.library or default_library_dir()
    return run(Path(root), getattr(args, "screenshot", None), getattr(args, "view", None),
               getattr(args, "language", None), getattr(args, "theme", None))
