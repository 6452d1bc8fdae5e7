"""The ``confgen`` command line.

Exit codes: 0 success, 1 an expected failure (bad input, stale output), 2 usage error.
Expected failures print one located message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from confgen.errors import ConfgenError, UsageError
from confgen.manifest import DEFAULT_MANIFEST, Provider, load_manifest


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


# Names a generated package may not take: besides the standard library, what the
# generated code itself imports (it would import the package instead).
_SHADOWED = frozenset({"httpx", "pydantic", "pydantic_core", "typing_extensions", "jwt"})


def _check_package_name(name: str, option: str, *, module: bool = True) -> None:
    """Refuse a name that is not an ASCII, non-keyword identifier, or (``module``) that
    would shadow a standard-library module or a dependency of the generated code."""
    import keyword

    if not (name.isascii() and name.isidentifier()):
        raise UsageError(
            f"{option} {name!r} is not a Python identifier", expected="ASCII letters, digits, _"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise UsageError(f"{option} {name!r} is a Python keyword", expected="another name")
    if module and (name in sys.stdlib_module_names or name in _SHADOWED):
        raise UsageError(
            f"{option} {name!r} would shadow the {name!r} module",
            expected="a name no standard-library module or dependency has",
        )


def _cmd_extract(args: argparse.Namespace) -> int:
    from confgen.extract.pipeline import extract_specs
    from confgen.fsutil import display_path

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


def _cmd_drift(args: argparse.Namespace) -> int:
    from confgen.drift import run_drift

    providers = _select(load_manifest(args.manifest), args.provider)
    return run_drift(providers, fetch=args.fetch, update=args.update, manifest=args.manifest)


def _cmd_generate(args: argparse.Namespace) -> int:
    from confgen.codegen.generate import Target, generate_packages, targets_from_manifest
    from confgen.codegen.progress import generation_progress, print_summary
    from confgen.codegen.project import spec_advice
    from confgen.fsutil import display_path

    if args.spec is not None:
        if args.out is None or args.package is None:
            raise ConfgenError("--spec needs --out DIR and --package NAME", source=str(args.spec))
        _check_package_name(args.package, "--package")
        if args.client_class is not None:
            _check_package_name(args.client_class, "--client-class", module=False)
        if args.out.exists() and not args.out.is_dir():
            raise UsageError(
                f"--out {str(args.out)!r} is a file", expected="a folder, or a path to create"
            )
        targets = [
            Target(
                spec=args.spec,
                out=args.out / args.package,
                package=args.package,
                client_class=args.client_class or args.package.title().replace("_", ""),
                # The file name only, so output does not depend on the working folder.
                spec_source=args.spec.name,
                import_path=args.package,
                strict=args.strict,
                regenerate_advice=spec_advice(args.spec.name, args.package),
            )
        ]
    else:
        # The manifest's specs are ours: anything the generator cannot render is an error.
        providers = _select(load_manifest(args.manifest), args.provider)
        targets = targets_from_manifest(providers)
    with generation_progress(force=args.progress) as stage:
        result = generate_packages(targets, check=args.check, stage=stage)
    print_summary(result.summaries, targets)
    if args.check:
        for item in result.stale:
            print(f"stale ({item.change}): {display_path(item.path)}", file=sys.stderr)
        if result.stale:
            print(
                "generated code is out of date with its specs: run `make generate`",
                file=sys.stderr,
            )
            return 1
        print(f"{len(targets)} packages up to date")
        return 0
    for path in result.written:
        print(f"wrote {display_path(path)}")
    print(f"{len(targets)} packages generated, {len(result.written)} changed")
    return 0


#: The entry-point group other distributions add subcommands through: each entry point
#: names a ``register(commands)`` that adds its parsers to ``commands`` (the facade's
#: ``conference`` and ``providers``). The generator never imports them itself.
COMMANDS_GROUP = "confgen.commands"


def _register_plugins(commands: Any) -> None:
    from importlib.metadata import entry_points

    for entry in sorted(entry_points(group=COMMANDS_GROUP), key=lambda e: e.name):
        entry.load()(commands)


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

    generate = commands.add_parser(
        "generate", help="generate the client packages in generated/ from specs/*.openapi.yaml"
    )
    generate.add_argument(
        "--provider", action="append", help="only this provider (repeatable; default: all)"
    )
    generate.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 listing stale files"
    )
    generate.add_argument("--spec", type=Path, help="an OpenAPI 3.0/3.1 spec outside the manifest")
    generate.add_argument("--out", type=Path, help="with --spec: the folder to write NAME/ into")
    generate.add_argument("--package", help="with --spec: the package name")
    generate.add_argument("--client-class", help="with --spec: the client class name")
    generate.add_argument(
        "--strict",
        action="store_true",
        help="with --spec: fail on what cannot be rendered instead of skipping it with a "
        "warning (the manifest's specs are always strict)",
    )
    generate.add_argument(
        "--progress",
        action="store_true",
        default=None,
        help="show the progress bar even when stderr is not a terminal",
    )
    generate.set_defaults(handler=_cmd_generate)

    drift = commands.add_parser(
        "drift",
        help="fail when committed specs or generated code differ from what the sources give",
    )
    drift.add_argument(
        "--provider", action="append", help="only this provider (repeatable; default: all)"
    )
    drift.add_argument(
        "--fetch",
        action="store_true",
        help="download the published pages (manifest URLs) and compare them instead",
    )
    drift.add_argument(
        "--update",
        action="store_true",
        help="write the sources (with --fetch), specs and generated code instead of failing",
    )
    drift.set_defaults(handler=_cmd_drift)

    _register_plugins(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``confgen`` console script."""
    args = build_parser().parse_args(argv)
    try:
        with _terminate_as_interrupt():
            code: int = args.handler(args)
    except UsageError as error:
        print(f"confgen: error: {error}", file=sys.stderr)
        return 2
    except ConfgenError as error:
        print(f"confgen: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except _Terminated:
        return 143
    return code


class _Terminated(BaseException):
    """SIGTERM, raised where the run is so that every temporary folder is removed."""


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into an exception for the duration of a command (main thread only),
    so ``finally`` blocks and context managers clean up, as they do on Ctrl-C."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminated(signum: int, frame: object) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
