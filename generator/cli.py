"""The ``confgen`` command line.

Exit codes: 0 success, 1 an expected failure (bad input, stale output), 2 usage error.
Expected failures print one located message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.errors import ConfgenError
from generator.manifest import DEFAULT_MANIFEST, Provider, load_manifest


def _select(providers: list[Provider], names: Sequence[str] | None) -> list[Provider]:
    if not names:
        return providers
    known = {provider.name: provider for provider in providers}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ConfgenError(
            f"unknown provider {', '.join(unknown)}; known: {', '.join(sorted(known))}",
            source="specs/providers.toml",
        )
    return [known[name] for name in names]


def _cmd_extract(args: argparse.Namespace) -> int:
    from generator.specs import display_path, extract_specs

    providers = _select(load_manifest(args.manifest), args.provider)
    result = extract_specs(providers, check=args.check)
    if args.check:
        for path in result.stale:
            print(f"stale: {display_path(path)}", file=sys.stderr)
        if result.stale:
            print("specs are out of date with their sources: run `make generate`", file=sys.stderr)
            return 1
        print(f"{len(providers)} specs up to date")
        return 0
    for path in result.written:
        print(f"wrote {display_path(path)}")
    print(f"{len(providers)} specs extracted, {len(result.written)} changed")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, one subcommand per pipeline job."""
    parser = argparse.ArgumentParser(
        prog="confgen", description="Typed Python clients from video-conferencing API docs."
    )
    parser.add_argument(
        "--manifest", type=Path, default=DEFAULT_MANIFEST, help="provider manifest (%(default)s)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser(
        "extract", help="extract specs/*.yaml from the vendored doc pages in specs/sources/"
    )
    extract.add_argument(
        "--provider", action="append", help="only this provider (repeatable; default: all)"
    )
    extract.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a spec is out of date"
    )
    extract.set_defaults(handler=_cmd_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``confgen`` console script."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except ConfgenError as error:
        print(f"confgen: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
