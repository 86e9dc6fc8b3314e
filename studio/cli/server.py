"""``studio serve`` and ``studio keys``: the HTTP API and its keys (see
docs/server.md)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from studio.cli.common import open_library
from studio.errors import UserError


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """``studio serve`` and ``studio keys`` (see docs/server.md)."""
    serve = sub.add_parser(
        "serve", parents=[common], help="serve the library over HTTP (docs/server.md)",
        description="The HTTP API in front of the library and its engine: the original "
        "service's contract, a speech endpoint compatible with the common client libraries, "
        "long-form projects, health and metrics. Every request but /health needs a key "
        "(`studio keys add NAME`). Options override the library's server.* settings.")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1; anything but "
                       "loopback needs a key in the library)")
    serve.add_argument("--port", type=int, help="port (default 8000)")
    serve.add_argument("--log-format", choices=["text", "json"],
                       help="access and server logs on stderr: the house format or JSON lines")
    serve.add_argument("--timeout", type=float, metavar="S", dest="timeout_s",
                       help="answer a one-shot request 504 past this (default 600)")
    serve.add_argument("--result-ttl", type=float, metavar="S", dest="result_ttl_s",
                       help="how long one-shot results are kept (default 3600)")
    serve.add_argument("--sweep-every", type=float, metavar="S", dest="sweep_every_s",
                       help="how often expired one-shot results are swept (default 60)")
    serve.add_argument("--max-body", type=int, metavar="BYTES", dest="max_body_bytes",
                       help="largest request body (default 2000000)")
    serve.add_argument("--key-concurrency", type=int, metavar="N",
                       help="requests in flight per key; more are answered 429 (default 64)")
    serve.add_argument("--voice-url-allow", metavar="NETS",
                       help="loopback/private/link-local networks voice_url may reach "
                       "(comma-separated CIDRs, or 'all'; default none)")

    keys = sub.add_parser("keys", parents=[common], help="API keys of `studio serve`")
    ksub = keys.add_subparsers(dest="action", metavar="ACTION", required=True)
    kadd = ksub.add_parser("add", parents=[common],
                           help="make a key (printed once: only its hash is kept)")
    kadd.add_argument("name")
    klist = ksub.add_parser("list", parents=[common], help="keys, live and revoked (no secrets)")
    klist.add_argument("--json", action="store_true")
    krevoke = ksub.add_parser("revoke", parents=[common], help="revoke a key at once")
    krevoke.add_argument("name")


def cmd_serve(args: argparse.Namespace) -> int:
    """``studio serve``: the HTTP API until SIGINT or SIGTERM."""
    from studio.server.run import serve
    from studio.server.settings import ServerSettings

    if args.port is not None and not 0 < args.port < 65536:
        raise UserError(f"--port {args.port} is not a port", "use 1 to 65535")
    with open_library(args) as library:
        stored = library.settings_with_prefix("server.")
        root = library.root
    options = {name: getattr(args, name) for name in (
        "host", "port", "log_format", "timeout_s", "result_ttl_s", "sweep_every_s",
        "max_body_bytes", "key_concurrency", "voice_url_allow")}
    settings = ServerSettings.from_mapping(stored, **options)
    return serve(root, settings, verbose=args.verbose)


def cmd_keys(args: argparse.Namespace) -> int:
    """``studio keys add|list|revoke``."""
    from studio.core import keys

    with open_library(args) as library:
        if args.action == "add":
            key = keys.add_key(library, args.name)
            print(f"studio: key {args.name!r} made; it is shown only now, keep it safe "
                  "(send it as `Authorization: Bearer KEY`)", file=sys.stderr)
            print(key)
            return 0
        if args.action == "revoke":
            keys.revoke_key(library, args.name)
            print(f"studio: key {args.name!r} revoked", file=sys.stderr)
            return 0
        rows = keys.list_keys(library)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        made = time.strftime("%Y-%m-%d %H:%M", time.localtime(row["created_at"]))
        revoked = (f"revoked {time.strftime('%Y-%m-%d %H:%M', time.localtime(row['revoked_at']))}"
                   if row["revoked_at"] else "live")
        print(f"{row['name']:<24} vs-{row['key_id']}-…  made {made}  {revoked}")
    return 0
