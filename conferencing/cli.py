"""The logic of ``confgen conference create`` and ``confgen providers``.

``generator/cli.py`` declares the arguments and calls these. Exit codes: 0 success,
2 usage error (bad option, missing credentials: nothing was sent), 1 an error from the
provider or the network. Messages go to stderr, without tracebacks.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from ._registry import PROVIDERS, get_adapter
from ._result import Conference
from .errors import (
    ConferencingError,
    InvalidOptionsError,
    MissingCredentialsError,
    UnknownProviderError,
    UnsupportedOperationError,
)
from .providers._base import VERBS

__all__ = ["create_command", "parse_options", "providers_command"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A command-line mistake (exit code 2)."""


def parse_options(items: Sequence[str]) -> dict[str, Any]:
    """``KEY=VALUE`` items as keyword arguments: a VALUE that parses as JSON is that
    value (``42``, ``true``, ``["a"]``), anything else the string itself."""
    options: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise UsageError(f"--option {item!r}: expected KEY=VALUE (for example rule_id=42)")
        if key in options:
            raise UsageError(f"--option {key} is given twice")
        try:
            options[key] = json.loads(text)
        except ValueError:
            options[key] = text
    return options


def create_command(args: argparse.Namespace) -> int:
    """``confgen conference create``: create (or, with ``--dry-run``, preview) a conference."""
    try:
        options = parse_options(args.option or [])
        if args.dry_run:
            from .dry_run import preview_conference

            preview = preview_conference(
                args.provider, name=args.name, base_url=args.base_url, **options
            )
            if args.json:
                _print_json(preview.to_json())
            else:
                sys.stdout.write(preview.render())
            return EXIT_OK
        from ._facade import create_conference

        conference = create_conference(
            args.provider, name=args.name, base_url=args.base_url, **options
        )
    except (
        UsageError,
        InvalidOptionsError,
        MissingCredentialsError,
        UnknownProviderError,
        UnsupportedOperationError,
        ValueError,
    ) as error:
        # InvalidOptionsError is a ValueError-like refusal before sending: a usage error.
        print(f"confgen: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ConferencingError as error:
        retry = " (retryable)" if error.retryable else ""
        print(f"confgen: error: {type(error).__name__}{retry}: {error}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        _print_json(conference_json(conference))
    else:
        print(f"created {conference.provider} conference")
        print(f"  id:       {conference.id or '-'}")
        print(f"  name:     {conference.name}")
        print(f"  join_url: {conference.join_url or '-'}")
    return EXIT_OK


def conference_json(conference: Conference) -> dict[str, Any]:
    """A `Conference` as JSON-ready data (``raw`` dumped with the provider's field names)."""
    raw = conference.raw
    dumped = raw.model_dump(mode="json", by_alias=True) if hasattr(raw, "model_dump") else raw
    return {
        "provider": conference.provider,
        "id": conference.id,
        "name": conference.name,
        "join_url": conference.join_url,
        "raw": dumped,
    }


def providers_command(args: argparse.Namespace) -> int:
    """``confgen providers``: each provider, its operation, credentials and options, what
    each verb maps to, then the capability matrix (provider x verb) and why each gap."""
    described = [_describe(name) for name in sorted(PROVIDERS)]
    if args.json:
        _print_json(described)
        return EXIT_OK
    _print_entries(described)
    _print_matrix(described)
    return EXIT_OK


def _print_entries(described: list[dict[str, Any]]) -> None:
    for entry in described:
        print(f"{entry['provider']}: {entry['title']}")
        print(f"  operation:   {entry['operation']} (name -> {entry['name_option']})")
        print("  credentials:")
        for spec in entry["credentials"]:
            need = "required" if spec["required"] else "optional"
            print(f"    {spec['argument']:<11} ${spec['env']:<24} {need}: {spec['description']}")
        if entry["options"] is None:
            print(f"  options:     unavailable ({entry['unavailable']})")
            continue
        shown = []
        for option in entry["options"]:
            text = option["name"] + (" (required)" if option["required"] else "")
            if option["default"] is not None:
                text += f" = {json.dumps(option['default'])}"
            shown.append(text)
        print(f"  options:     {', '.join(shown)}")
        print("  verbs:")
        for verb, info in entry["verbs"].items():
            if info["supported"]:
                print(f"    {verb:<19} {info['maps_to']}")


def _print_matrix(described: list[dict[str, Any]]) -> None:
    providers = [entry["provider"] for entry in described]
    width = max(len(verb) for verb in VERBS) + 2
    print()
    print("capabilities (yes: supported, -: unsupported, reasons below):")
    print(" " * width + "  ".join(f"{name:<10}" for name in providers).rstrip())
    for verb in VERBS:
        marks = ["yes" if entry["verbs"][verb]["supported"] else "-" for entry in described]
        print(f"{verb:<{width}}" + "  ".join(f"{mark:<10}" for mark in marks).rstrip())
    print()
    print("gaps:")
    for entry in described:
        for verb, info in entry["verbs"].items():
            if not info["supported"]:
                print(f"  {entry['provider']} {verb}: {info['reason']}")


def _describe(provider: str) -> dict[str, Any]:
    adapter = get_adapter(provider)
    entry: dict[str, Any] = {
        "provider": provider,
        "title": None,
        "operation": None,
        "transport": adapter.transport,
        "name_option": adapter.name_option,
        "credentials": [],
        "options": None,
        "verbs": {
            verb: {
                "supported": verb in adapter.capabilities(),
                "maps_to": adapter.mappings.get(verb),
                "reason": adapter.unsupported.get(verb),
            }
            for verb in VERBS
        },
    }
    try:
        # All of it comes from the generated package's index and models.
        entry["title"] = adapter.title
        entry["operation"] = adapter.operation
        entry["credentials"] = [
            {
                "argument": spec.argument,
                "env": spec.env,
                "required": spec.required,
                "description": spec.description,
            }
            for spec in adapter.credentials
        ]
        options = adapter.options()
    except ImportError as error:  # a package not generated yet must not hide the others
        entry["unavailable"] = f"its generated package cannot be imported: {error}"
        return entry
    entry["options"] = [
        {"name": option.name, "required": option.required, "default": option.default}
        for option in options
    ]
    return entry


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
