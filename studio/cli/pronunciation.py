"""``studio script`` and ``studio lexicon``: what a script will speak, and how
words are said (see docs/pronunciation.md)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from studio.cli.common import find_project, open_library, read_file, read_script
from studio.errors import UserError
from studio.paths import default_library_dir


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """``studio script`` and ``studio lexicon`` (see docs/pronunciation.md)."""
    script = sub.add_parser(
        "script", parents=[common], help="print what a script will speak, rendering nothing",
        description="Each segment as it will be spoken: normalized, the lexicon applied, the "
        "markup resolved. Writes nothing to the library.")
    script.add_argument("script", help="text file (UTF-8), or - for standard input")
    script.add_argument("--project", help="use this project's lexicon and voice")
    script.add_argument("--voice", help="voice name (default: the project's, else 'joe')")
    script.add_argument("--json", action="store_true", help="a JSON list of segments")
    script.add_argument("--strip-symbols", action="store_true",
                        help="drop emoji instead of refusing the script")

    lexicon = sub.add_parser("lexicon", parents=[common],
                             help="how words are said: aliases and phonemes")
    lsub = lexicon.add_subparsers(dest="action", metavar="ACTION", required=True)
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--project", help="the project's own lexicon (default: the library's, "
                       "which every project uses; a project's entries win)")
    llist = lsub.add_parser("list", parents=[common, where], help="list entries")
    llist.add_argument("--json", action="store_true")
    ladd = lsub.add_parser("add", parents=[common, where],
                           help="say a word or phrase another way (replaces its entry)")
    ladd.add_argument("term", help="the word or phrase as written")
    ladd.add_argument("--alias", default="", help="a respelling, e.g. 'new-win'")
    ladd.add_argument("--phonemes", default="", help="IPA, e.g. 'ˈnwɪən'")
    ladd.add_argument("--case-sensitive", action="store_true",
                      help="match only this exact case (default: any case)")
    lremove = lsub.add_parser("remove", parents=[common, where], help="remove entries")
    lremove.add_argument("terms", nargs="+", metavar="TERM")
    limport = lsub.add_parser("import", parents=[common, where],
                              help="add the entries of a .pls (W3C PLS) or .csv file")
    limport.add_argument("file", type=Path)
    lexport = lsub.add_parser("export", parents=[common, where],
                              help="write the entries to a .pls or .csv file")
    lexport.add_argument("file", type=Path)


def cmd_script(args: argparse.Namespace) -> int:
    """``studio script SCRIPT``: each segment as it will be spoken; writes nothing."""
    import tempfile

    from studio.core.planning import spoken_script
    from studio.core.store import DB_NAME, Library

    raw, label, _ = read_script(args.script)
    root = Path(args.library or default_library_dir())
    with contextlib.ExitStack() as stack:
        if not (root / DB_NAME).is_file():  # no library yet: read with a blank one, make none
            if args.project:
                raise UserError(f"no project named {args.project!r} (there is no library at "
                                f"{root})", "see `studio projects list`")
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="studio-")))
        library = stack.enter_context(Library.open(root))
        segments, warnings = spoken_script(library, raw, args.project, args.voice,
                                           script_label=label,
                                           strip_symbols=args.strip_symbols)
    for warning in warnings:
        print(f"studio: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps([s.as_json() for s in segments], ensure_ascii=False, indent=2))
        return 0
    for seg in segments:
        extra = "".join([f" ×{seg.speed:g}" if seg.speed != 1.0 else "",
                         f" [pause {seg.pause_after_s:g}s]"])
        print(f"{seg.index:>4} {seg.voice}{extra}: {seg.text}")
        if seg.speech != seg.text:
            print(f"{'':>5}reads: {seg.speech}")
    return 0


def cmd_lexicon(args: argparse.Namespace) -> int:
    """``studio lexicon list|add|remove|import|export``."""
    from studio.core.planning import ensure_presets
    from studio.service.lexicon import change_lexicon
    from studio.text import lexicon as lex

    with open_library(args) as library:
        ensure_presets(library)  # a library is made whole by the first command that opens it
        project = find_project(library, args.project) if args.project else None
        project_id = project.id if project else None
        whose = f"project {project.name!r}" if project else "the library"
        if args.action in ("list", "export"):
            entries = library.lexicon_entries(project_id)
            if args.action == "export":
                suffix = args.file.suffix.lower()
                if suffix not in (".pls", ".csv"):
                    raise UserError(f"{args.file} is neither .pls nor .csv",
                                    "name the file .pls (W3C PLS) or .csv")
                from studio.fsutil import check_writable_file, write_bytes_atomic

                try:
                    check_writable_file(args.file)
                except OSError as err:
                    raise UserError(f"cannot write {args.file} ({err})",
                                    "choose a folder you can write to") from None
                write_bytes_atomic(args.file, lex.write_pls(entries) if suffix == ".pls"
                                   else lex.write_csv(entries))
                print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} of {whose}'s "
                      f"lexicon written to {args.file}")
                return 0
            if args.json:
                print(json.dumps([vars(e) for e in entries], ensure_ascii=False, indent=2))
                return 0
            if not entries:
                print(f"{whose}'s lexicon is empty (`studio lexicon add WORD --alias …`)")
            for e in entries:
                said = " / ".join(x for x in (f"/{e.phonemes}/" if e.phonemes else "",
                                              e.alias) if x)
                print(f"{e.term}{' (exact case)' if e.case_sensitive else ''}  →  {said}")
            return 0
        if args.action == "add":
            entries = [lex.check_entry(args.term, args.alias, args.phonemes,
                                       args.case_sensitive)]
            changed = change_lexicon(library, entries, project_id)
        elif args.action == "remove":
            changed = change_lexicon(library, [], project_id, remove=args.terms)
        else:  # import
            data = read_file(args.file, lex.MAX_LEXICON_BYTES)
            is_pls = args.file.suffix.lower() == ".pls" or data.lstrip().startswith(b"<")
            entries = (lex.read_pls(data, args.file.name) if is_pls
                       else lex.read_csv(data, args.file.name))
            changed = change_lexicon(library, entries, project_id)
            print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} added to "
                  f"{whose}'s lexicon")
    change, queued = changed.change, changed.queued
    for name, ids in sorted(change.changed.items()):
        print(f"project {name!r}: {len(ids)} segment(s) now said differently")
    for name, ids in sorted(change.locked.items()):
        print(f"project {name!r}: {len(ids)} locked segment(s) keep what they said "
              "(unlock them to say it the new way)")
    if queued:
        print(f"{len(queued)} rendered segment(s) queued to render again "
              "(`studio render --project NAME` waits for them)")
    elif not change.changed:
        print("no segment says it differently")
    return 0
