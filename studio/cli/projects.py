"""``studio projects``: list, create, rename, copy, trash and restore projects."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from studio.cli.common import find_project, open_library, read_script, shell_quote


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """``studio projects``."""
    projects = sub.add_parser("projects", parents=[common], help="projects in the library")
    psub = projects.add_subparsers(dest="action", metavar="ACTION", required=True)
    plist = psub.add_parser("list", parents=[common], help="list projects")
    plist.add_argument("--json", action="store_true")
    pnew = psub.add_parser("new", parents=[common], help="create a project")
    pnew.add_argument("name")
    pnew.add_argument("--voice", help="its voice (default: the library's default voice)")
    pnew.add_argument("--script", help="a script file to split into its segments (- for stdin)")
    prename = psub.add_parser("rename", parents=[common], help="give a project another name")
    prename.add_argument("old")
    prename.add_argument("new")
    pdup = psub.add_parser("duplicate", parents=[common],
                           help="copy a project with its segments and current takes")
    pdup.add_argument("name")
    pdup.add_argument("new")
    premove = psub.add_parser("remove", parents=[common],
                              help="move a project to the trash (restore it with `restore`)")
    premove.add_argument("name")
    premove.add_argument("--purge", action="store_true",
                         help="delete it for good, with its segments and takes")
    ptrash = psub.add_parser("trash", parents=[common], help="list projects in the trash")
    ptrash.add_argument("--json", action="store_true")
    prestore = psub.add_parser("restore", parents=[common],
                               help="bring a project back from the trash")
    prestore.add_argument("name")


def cmd_projects(args: argparse.Namespace) -> int:
    """``studio projects``: list, new, rename, duplicate, remove (to the
    trash, or ``--purge``), trash and restore."""
    from studio.core.planning import voice_fit

    with open_library(args) as library:
        if args.action != "list":
            return _project_action(library, args)
        rows = library.projects()
        fits = {}
        for row in rows:
            if row["voice"] not in fits:
                voice = library.find_voice(row["voice"])
                fits[row["voice"]] = voice_fit(library, voice) if voice else None
            fit = fits[row["voice"]]
            row.update(backend=fit.backend if fit else None,
                       problem=fit.explain() if fit else "the voice is gone")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            where = f"{row['backend']}" + (f" (cannot render here: {row['problem']})"
                                           if row["problem"] else "")
            print(f"{row['name']:<30} {row['rendered']:>5}/{row['segments']:<5} segments  "
                  f"{row['duration_s'] / 60:6.1f} min  voice {row['voice']} on {where}")
    return 0


def _project_action(library: Any, args: argparse.Namespace) -> int:
    """The verbs of ``studio projects`` that change the library (the same
    store functions the studio's window uses)."""
    if args.action == "new":
        from studio.core.planning import plan_project, resolve_voice

        name = library.check_new_name(args.name)
        if args.script is not None:
            raw, label, _stem = read_script(args.script)
            planned = plan_project(library, raw, name, args.voice, script_label=label)
            print(f"created project {name!r}: {len(planned.todo)} segments to render "
                  f"with voice {planned.voice.name}")
        else:
            voice, _backend = resolve_voice(library, name, args.voice)
            library.create_project(name, voice)
            print(f"created project {name!r} with voice {voice.name} (no script yet)")
    elif args.action == "rename":
        project = library.rename_project(find_project(library, args.old).name, args.new)
        print(f"renamed project {args.old!r} to {project.name!r}")
    elif args.action == "duplicate":
        project = library.duplicate_project(find_project(library, args.name).name, args.new)
        print(f"copied project {args.name!r} to {project.name!r}")
    elif args.action == "remove" and args.purge:
        project = library.find_project(args.name) or library.find_trashed(args.name)
        if project is None:
            find_project(library, args.name)  # the message naming the projects there are
        library.remove_project(project.name)
        print(f"deleted project {project.name!r} for good")
    elif args.action == "remove":
        project = library.trash_project(find_project(library, args.name).name)
        print(f"moved project {project.name!r} to the trash "
              f"(undo: studio projects restore {shell_quote(project.name)})")
    elif args.action == "restore":
        project = library.restore_project(args.name)
        print(f"restored project {project.name!r}")
    elif args.action == "trash":
        rows = library.trash()
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        for row in rows if not args.json else []:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(row["deleted_at"]))
            print(f"{row['name']:<30} {row['segments']:>5} segments  deleted {when}")
    return 0
