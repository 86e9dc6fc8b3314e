"""``studio models`` and ``studio config``: model weights and the library's
settings."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from studio.cli.common import open_library
from studio.errors import UserError


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """``studio models`` and ``studio config``."""
    models = sub.add_parser("models", parents=[common],
                            help="download, check and remove model weights",
                            description="Models are described in models/manifest.toml and "
                            "kept in models/ ($STUDIO_MODELS moves them).")
    msub = models.add_subparsers(dest="action", metavar="ACTION", required=True)
    mlist = msub.add_parser("list", parents=[common],
                            help="every model in the manifest and its state")
    mlist.add_argument("--json", action="store_true")
    mdown = msub.add_parser("download", parents=[common],
                            help="download a model (resumes; repairs bad files)")
    mdown.add_argument("name")
    mdown.add_argument("--source", choices=["modelscope", "huggingface", "http"],
                       help="fetch from this source only (default: each in turn)")
    mdown.add_argument("--no-progress", action="store_true", help="no progress bar")
    mverify = msub.add_parser("verify", parents=[common], help="check every file's size and sha256")
    mverify.add_argument("name")
    mverify.add_argument("--pins", action="store_true",
                         help="print the manifest entries (size, sha256) of the files as "
                         "downloaded, to pin them in models/manifest.toml")
    mremove = msub.add_parser("remove", parents=[common], help="delete a model's folder")
    mremove.add_argument("name")

    config = sub.add_parser("config", parents=[common], help="the library's settings",
                            description="Engine timings (engine.*) and backend options "
                            "(e.g. cosyvoice2.fp16); `studio config list` shows them all.")
    csub = config.add_subparsers(dest="action", metavar="ACTION", required=True)
    csub.add_parser("list", parents=[common], help="every setting, its value and meaning")
    cset = csub.add_parser("set", parents=[common], help="change a setting")
    cset.add_argument("key")
    cset.add_argument("value")
    cunset = csub.add_parser("unset", parents=[common], help="back to the default")
    cunset.add_argument("key")


def cmd_config(args: argparse.Namespace) -> int:
    """``studio config list|set|unset``."""
    from studio.core.settings import known_settings, parse, show

    with open_library(args) as library:
        if args.action == "set":
            value = parse(args.key, args.value)
            library.set_setting(args.key, value)
            print(f"{args.key} = {show(value)}")
        elif args.action == "unset":
            parse_known = known_settings()
            if args.key not in parse_known:
                parse(args.key, "")  # raises the unknown-key message
            library.delete_setting(args.key)
            print(f"{args.key} = {show(parse_known[args.key].default)} (default)")
        else:
            stored = library.settings()
            for key, setting in sorted(known_settings().items()):
                value = stored.get(key, setting.default)
                mark = "" if key in stored else " (default)"
                print(f"{key:<28} {show(value)}{mark}\n    {setting.help}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    """``studio models list|download|verify|remove``."""
    from studio.weights import ModelStore

    store = ModelStore()
    if args.action == "list":
        rows: list[dict[str, Any]] = []
        for name, spec in sorted(store.specs.items()):
            status = store.status(name)
            rows.append({"name": name, "state": status.state, "backend": spec.backend,
                         "vram_mb": spec.vram_mb, "licence": spec.licence,
                         "languages": list(spec.languages), "folder": str(status.folder),
                         "bytes_on_disk": status.bytes_on_disk,
                         "problems": [str(p) for p in status.problems]})
        if args.json:
            print(json.dumps(rows, indent=2))
            return 0
        for row in rows:
            size = f"{row['bytes_on_disk'] / 1e9:.2f} GB" if row["bytes_on_disk"] else "-"
            print(f"{row['name']:<20} {row['state']:<11} {size:>9}  backend {row['backend']}, "
                  f"{row['vram_mb']} MB VRAM, {row['licence']}, {' '.join(row['languages'])}")
            for problem in row["problems"]:
                print(f"    {problem}")
        return 0
    if args.action == "download":
        folder = _with_progress(
            lambda progress: store.download(args.name, args.source, progress),
            args.no_progress, f"downloading {args.name}")
        if not store.spec(args.name).pinned:
            print(f"note: the manifest pins no checksums for {args.name}; the files' sha256 "
                  "as downloaded are recorded in the model folder for later checks",
                  file=sys.stderr)
        print(folder)
        return 0
    if args.action == "verify":
        problems = _with_progress(lambda progress: store.verify(args.name, progress),
                                  False, f"verifying {args.name}")
        if problems:
            raise UserError(f"model {args.name} is damaged: "
                            + "; ".join(str(p) for p in problems),
                            f"run: studio models download {args.name} (fetches only those files)")
        if args.pins:
            for path, entry in store.record(args.name).get("files", {}).items():
                print(f'[[model.files]]\npath = "{path}"\nsize = {entry["size"]}\n'
                      f'sha256 = "{entry["sha256"]}"')
        print(f"model {args.name}: every file checks out", file=sys.stderr)
        return 0
    freed = store.remove(args.name)
    print(f"removed model {args.name} ({freed / 1e6:.1f} MB freed)", file=sys.stderr)
    return 0


def _with_progress(work, quiet: bool, label: str):  # type: ignore[no-untyped-def]
    """Run ``work(progress)`` with a byte progress bar on stderr."""
    from tqdm import tqdm

    with tqdm(total=0, unit="B", unit_scale=True, unit_divisor=1024, desc=label,
              disable=quiet, file=sys.stderr, leave=False) as bar:
        def progress(path: str, in_file: int, done: int, total: int) -> None:
            if total and bar.total != total:
                bar.total = total
            bar.set_postfix_str(path, refresh=False)
            bar.update(done - bar.n)

        result = work(progress)
        bar.refresh()
        return result
