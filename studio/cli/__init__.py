"""The ``studio`` command line: the same core as the desktop app, headless.

Exit codes: 0 done; 1 an internal error (a bug: the message says where the
log is); 2 a problem with the input, explained in one line, with nothing in
the library changed; 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from studio import __version__
from studio.cli import (
    engine,
    farm,
    gui,
    models,
    projects,
    pronunciation,
    render,
    review,
    server,
    voices,
)
from studio.errors import UserError

log = logging.getLogger("studio")


def _library_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--library",
        metavar="DIR",
        type=Path,
        default=default,
        help="library folder (default: $STUDIO_HOME or the user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="studio", description="Voice Studio: voiceovers from scripts, headless."
    )
    parser.add_argument("--version", action="version", version=f"studio {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    _library_option(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # The global options work before or after any command: every command has
    # them too, with defaults that leave the top-level values alone.
    common = argparse.ArgumentParser(add_help=False)
    _library_option(common, argparse.SUPPRESS)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log details to stderr")

    render.add_render_parser(sub, common)
    voices.add_parsers(sub, common)
    engine.add_parsers(sub, common)
    gui.add_parser(sub, common)
    models.add_parsers(sub, common)
    projects.add_parsers(sub, common)
    review.add_parsers(sub, common)
    render.add_qa_export_parsers(sub, common)  # after the review verbs in --help
    pronunciation.add_parsers(sub, common)
    server.add_parsers(sub, common)
    farm.add_parsers(sub, common)
    return parser


COMMANDS = {"gui": gui.cmd_gui, "render": render.cmd_render, "voices": voices.cmd_voices,
            "projects": projects.cmd_projects, "engine": engine.cmd_engine,
            "gpu": engine.cmd_gpu, "jobs": engine.cmd_jobs, "models": models.cmd_models,
            "config": models.cmd_config, "segments": review.cmd_segments,
            "qa": render.cmd_qa, "regenerate": review.cmd_regenerate, "edit": review.cmd_edit,
            "lock": review.cmd_mark, "unlock": review.cmd_mark, "approve": review.cmd_mark,
            "unapprove": review.cmd_mark, "takes": review.cmd_takes, "take": review.cmd_take,
            "export": render.cmd_export, "script": pronunciation.cmd_script,
            "lexicon": pronunciation.cmd_lexicon, "serve": server.cmd_serve,
            "keys": server.cmd_keys, "farm": farm.cmd_farm}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``studio`` console command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="[%(asctime)s] [%(levelname)s] [%(name)s] [%(process)d] %(message)s",
    )
    if args.command is None:
        args.command = "gui"
    try:
        return COMMANDS[args.command](args)
    except UserError as err:
        from studio.backends import Unavailable

        # a backend that cannot run here: what was found and the command that fixes it
        message = err.explained if isinstance(err, Unavailable) else str(err)
        if err.code == "emoji":  # the command line's way to have them dropped
            message = f"{err.problem}: remove it, or pass --strip-symbols to drop all emoji"
        print(f"studio: {message}", file=sys.stderr)
        return err.exit_code
    except sqlite3.OperationalError as err:
        if "locked" not in str(err) and "busy" not in str(err):
            raise
        print("studio: the library database is locked by another program: close it, or wait "
              "for it to finish, and try again", file=sys.stderr)
        return UserError.exit_code
    except KeyboardInterrupt:
        print("studio: interrupted; finished takes are kept, and queued segments go on "
              "rendering in the background (`studio jobs cancel --project NAME` stops them)",
              file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # a bug: say so in one line, details with -v
        log.debug("internal error", exc_info=True)
        print(f"studio: internal error: {type(err).__name__}: {err}"
              + ("" if args.verbose else " (run with -v for details)"), file=sys.stderr)
        return 1
