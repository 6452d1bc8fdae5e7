"""The logic of ``confgen conference ...`` and ``confgen providers``.

`register` declares the arguments (`ACTIONS` says what each action calls) and adds both
commands to ``confgen``: this distribution declares it in the ``confgen.commands``
entry-point group, so the generator finds the facade's commands without importing it
(and has none when the facade is not installed). Exit codes: 0 success, 2 usage error (a bad argument or
option, missing credentials, an operation the provider cannot do: nothing was sent),
1 an error from the provider or the network. Errors go to stderr, one line, or with
``--json`` one JSON object; never a traceback. A closed stdout (``| head``) ends the
command quietly with exit 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import inspect
import json
import os
import sys
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NoReturn

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

__all__ = [
    "ACTIONS",
    "Action",
    "ConferenceArgumentParser",
    "conference_command",
    "conference_json",
    "parse_options",
    "providers_command",
    "quiet_on_closed_stdout",
    "register",
    "result_json",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

FACADE_ARGUMENTS: Final = frozenset({"name", "base_url", "credentials", "client"})
"""The facade's own keyword arguments, which ``--option`` may never set."""


@dataclass(frozen=True, slots=True)
class Action:
    """One ``confgen conference`` action: the facade function it calls and its shape."""

    verb: str
    """The facade function (``get_conference``); its async twin is ``a`` + this."""
    help: str
    ids: tuple[str, ...] = ()
    """Its positional arguments, in order (``conference_id``, ``participant_id``)."""
    fixed: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Keyword arguments the action itself fills (``muted=True``)."""
    options: bool = False
    """Whether it takes ``--option KEY=VALUE`` (create's fields, list's filters)."""
    returns: str = "none"
    """``one`` (a result), ``many`` (an iterator of results) or ``none``."""
    done: str = ""
    """The text output's first line on success (``{provider}`` filled in)."""


ACTIONS: Final[dict[str, Action]] = {
    "create": Action(
        "create_conference",
        "create a conference and print the normalised result",
        options=True,
        returns="one",
        done="created {provider} conference",
    ),
    "get": Action(
        "get_conference",
        "print one conference",
        ("conference_id",),
        returns="one",
        done="{provider} conference",
    ),
    "list": Action(
        "list_conferences",
        "list conferences (every page; --option sets the provider's filters)",
        options=True,
        returns="many",
    ),
    "end": Action(
        "end_conference",
        "end a conference for everyone",
        ("conference_id",),
        done="ended {provider} conference",
    ),
    "participants": Action(
        "list_participants",
        "list a conference's participants",
        ("conference_id",),
        returns="many",
    ),
    "remove": Action(
        "remove_participant",
        "remove a participant from a conference",
        ("conference_id", "participant_id"),
        done="removed from {provider} conference",
    ),
    "mute": Action(
        "mute_participant",
        "mute a participant",
        ("conference_id", "participant_id"),
        fixed={"muted": True},
        done="muted in {provider} conference",
    ),
    "unmute": Action(
        "mute_participant",
        "unmute a participant",
        ("conference_id", "participant_id"),
        fixed={"muted": False},
        done="unmuted in {provider} conference",
    ),
    "join": Action(
        "join_info",
        "print what a participant needs to join: a URL and/or a token, with its expiry",
        ("conference_id",),
        returns="one",
        done="{provider} join info",
    ),
    "recordings": Action(
        "list_recordings", "list a conference's recordings", ("conference_id",), returns="many"
    ),
}
"""Every ``confgen conference`` action, by its command-line name."""


class UsageError(Exception):
    """A command-line mistake (exit code 2)."""


class ConferenceArgumentParser(argparse.ArgumentParser):
    """An argument parser whose own usage errors are JSON on stderr when the command
    line asks for ``--json`` (exit 2, as argparse's)."""

    _json = False

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._json = "--json" in (sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        if self._json:
            _print_error_json({"type": "UsageError", "message": message, "exit_code": 2})
            self.exit(EXIT_USAGE)
        super().error(message)


# ---------------------------------------------------------------------- arguments


def parse_options(items: Sequence[str], *, reserved: Iterable[str] = ()) -> dict[str, Any]:
    """``KEY=VALUE`` items as keyword arguments: a VALUE that parses as JSON is that
    value (``42``, ``true``, ``["a"]``, ``"12345"`` the string), anything else the
    string itself. A KEY in ``reserved`` (the facade's own arguments) is refused."""
    reserved = frozenset(reserved)
    options: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise UsageError(f"--option {item!r}: expected KEY=VALUE (for example rule_id=42)")
        if key in reserved:
            raise UsageError(_reserved_message(key))
        if key in options:
            raise UsageError(f"--option {key} is given twice")
        try:
            options[key] = json.loads(text)
        except ValueError:
            options[key] = text
    return options


def _reserved_message(key: str) -> str:
    where = {
        "name": "--name",
        "base_url": "--base-url",
        "credentials": "the environment or --credentials-file (never the command line)",
        "client": "nothing on the command line",
    }.get(key, f"the action's own argument ({key.replace('_', '-').upper()})")
    return f"--option {key}=... is not a provider option: {key} is set by {where}"


def check_base_url(url: str | None, transport: str) -> str | None:
    """``url`` if it is an absolute URL of the provider's transport (http(s) for HTTP
    APIs, ws(s) for TrueConf's WebSocket); otherwise a `UsageError`."""
    if url is None:
        return None
    schemes = ("ws", "wss") if transport == "websocket" else ("http", "https")
    try:
        parsed = urllib.parse.urlsplit(url)
        parsed.port  # noqa: B018  (raises on a bad port)
    except ValueError as error:
        raise UsageError(f"--base-url {url!r} is not a URL: {error}") from None
    if parsed.scheme.lower() not in schemes or not parsed.hostname:
        raise UsageError(
            f"--base-url {url!r} must be an absolute {' or '.join(s + '://' for s in schemes)} "
            "URL with a host"
        )
    return url


def load_credentials_file(path: Path, provider: str) -> dict[str, Any]:
    """The credential arguments in ``path``, a JSON or YAML mapping of the client's
    credential arguments (``confgen providers`` lists them) to values."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise UsageError(f"--credentials-file {str(path)!r}: cannot read it ({reason})") from None
    try:
        data = yaml.safe_load(text)  # YAML 1.1 reads JSON too
    except yaml.YAMLError:
        # The parser's message quotes the file: it must not reach the terminal.
        raise UsageError(f"--credentials-file {str(path)!r} is neither JSON nor YAML") from None
    arguments = [spec.argument for spec in get_adapter(provider).credentials]
    if not isinstance(data, dict) or not data:
        raise UsageError(
            f"--credentials-file {str(path)!r} must hold a mapping of {provider}'s credential "
            f"arguments ({', '.join(arguments)})"
        )
    unknown = sorted(str(key) for key in data if key not in arguments)
    if unknown:
        raise UsageError(
            f"--credentials-file {str(path)!r}: {provider} takes no credential "
            f"{', '.join(unknown)}; its credentials: {', '.join(arguments)}"
        )
    for key, value in data.items():
        # YAML reads `pin: 0123` as the number 83: a credential is text (or, for
        # Voximplant's service account, a mapping), never a number.
        if not isinstance(value, str | dict):
            raise UsageError(
                f"--credentials-file {str(path)!r}: {key} must be a string (quote it) or, "
                f"for a service account, a mapping; got a {type(value).__name__}"
            )
    return {str(key): value for key, value in data.items()}


# ---------------------------------------------------------------------- the command


def conference_command(args: argparse.Namespace) -> int:
    """``confgen conference ACTION``: run (or, with ``--dry-run``, preview) the action."""
    action = ACTIONS[args.conference_command]
    try:
        return _guard_stdout(lambda: _run(action, args))
    except (UsageError, InvalidOptionsError, MissingCredentialsError, ValueError) as error:
        # InvalidOptionsError is a refusal before sending: a usage error, like ours.
        return _fail(args, error, EXIT_USAGE, _usage_message(error))
    except ConferencingError as error:
        if isinstance(error, UnsupportedOperationError | UnknownProviderError):
            return _fail(args, error, EXIT_USAGE, str(error))
        retry = " (retryable)" if error.retryable else ""
        return _fail(args, error, EXIT_FAILED, f"{type(error).__name__}{retry}: {error}")


def _run(action: Action, args: argparse.Namespace) -> int:
    provider = args.provider
    adapter = get_adapter(provider)
    base_url = check_base_url(args.base_url, adapter.transport)
    credentials = (
        load_credentials_file(args.credentials_file, provider)
        if args.credentials_file is not None
        else None
    )
    import conferencing

    function: Callable[..., Any] = getattr(conferencing, action.verb)
    reserved = FACADE_ARGUMENTS | _own_arguments(function)
    options = parse_options(args.option or [], reserved=reserved) if action.options else {}
    positional = [getattr(args, name) for name in action.ids]
    keywords: dict[str, Any] = {**action.fixed, **options}
    if action.verb == "create_conference":
        keywords["name"] = args.name
    if action.verb == "join_info" and args.participant_name is not None:
        keywords["participant_name"] = args.participant_name

    if args.dry_run:
        from .dry_run import preview_call, preview_conference

        if action.verb == "create_conference":
            preview = preview_conference(
                provider, credentials=credentials, base_url=base_url, **keywords
            )
        else:
            preview = preview_call(
                provider,
                action.verb,
                *positional,
                credentials=credentials,
                base_url=base_url,
                **keywords,
            )
        _write(
            json.dumps(preview.to_json(), indent=2, ensure_ascii=False) + "\n"
            if args.json
            else preview.render()
        )
        return EXIT_OK

    result = function(provider, *positional, credentials=credentials, base_url=base_url, **keywords)
    if action.returns == "one":
        _write_one(result, args.json, action.done.format(provider=provider))
    elif action.returns == "many":
        _write_many(result, args.json)
    else:
        ids = dict(zip(action.ids, positional, strict=True))
        if args.json:
            _write(
                _dumps({"ok": True, "provider": provider, "action": args.conference_command, **ids})
                + "\n"
            )
        else:
            described = ", ".join(f"{key} {value}" for key, value in ids.items())
            _write(f"{action.done.format(provider=provider)} ({described})\n")
    return EXIT_OK


def _own_arguments(function: Callable[..., Any]) -> frozenset[str]:
    """The named parameters of a facade function (``conference_id``, ``muted``...)."""
    return frozenset(
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind not in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    )


def _usage_message(error: Exception) -> str:
    if isinstance(error, MissingCredentialsError):
        return (
            f"{error}. Or give --credentials-file FILE (a JSON or YAML mapping of those "
            "arguments), or add --dry-run to see what would be sent without any"
        )
    return str(error)


# ---------------------------------------------------------------------- output


def result_json(result: object) -> Any:
    """A facade result (`Conference`, `Participant`, `Recording`, `JoinInfo`) as
    JSON-ready data: its fields, datetimes in ISO 8601, ``raw`` dumped with the
    provider's field names."""
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return {
            field.name: result_json(getattr(result, field.name))
            for field in dataclasses.fields(result)
        }
    if hasattr(result, "model_dump"):
        return result.model_dump(mode="json", by_alias=True)
    if isinstance(result, datetime.datetime | datetime.date):
        return result.isoformat()
    if isinstance(result, datetime.timedelta):
        return result.total_seconds()
    if isinstance(result, Mapping):
        return {str(key): result_json(value) for key, value in result.items()}
    if isinstance(result, list | tuple | frozenset | set):
        return [result_json(item) for item in result]
    return result


def conference_json(conference: Conference) -> dict[str, Any]:
    """A `Conference` as JSON-ready data (``raw`` dumped with the provider's field names)."""
    data: dict[str, Any] = result_json(conference)
    return data


def _text_lines(result: object) -> list[str]:
    """A result as ``field: value`` lines (``raw`` left out: ``--json`` shows it)."""
    if not (dataclasses.is_dataclass(result) and not isinstance(result, type)):
        return [str(result)]
    fields = [f.name for f in dataclasses.fields(result) if f.name not in ("raw", "provider")]
    width = 9  # "join_url:": longer names run on by a space
    lines = []
    for name in fields:
        value = result_json(getattr(result, name))
        shown = "-" if value is None else value if isinstance(value, str) else json.dumps(value)
        lines.append(f"  {name + ':':<{width}} {shown}")
    return lines


def _write_one(result: object, as_json: bool, heading: str) -> None:
    if as_json:
        _write(json.dumps(result_json(result), indent=2, ensure_ascii=False) + "\n")
        return
    _write(heading + "\n" + "\n".join(_text_lines(result)) + "\n")


def _write_many(results: Iterable[object], as_json: bool) -> None:
    """Each result as it arrives (pages are fetched while printing): a JSON array
    written item by item, or one short line per item. Nothing is written before the
    first item, so an error on the first page leaves stdout empty."""
    count = 0
    for result in results:
        if as_json:
            item = json.dumps(result_json(result), indent=2, ensure_ascii=False)
            _write(("[" if not count else ",") + "\n" + _indent(item))
        else:
            _write(_summary(result) + "\n")
        count += 1
    if as_json:
        _write("\n]\n" if count else "[]\n")
    elif not count:
        sys.stderr.write("(none)\n")


def _summary(result: object) -> str:
    data = result_json(result)
    if not isinstance(data, dict):
        return str(data)
    data.pop("raw", None)
    data.pop("provider", None)
    return "  ".join(f"{key}={'-' if value is None else value}" for key, value in data.items())


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()  # a closed pipe shows here, inside the guard, not at exit


def _guard_stdout(run: Callable[[], int]) -> int:
    """Run ``run`` and flush stdout; a reader that went away (``| head``) ends it quietly
    with exit 0."""
    try:
        code = run()
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would report the pipe again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_OK
    return code


def quiet_on_closed_stdout(
    command: Callable[[argparse.Namespace], int], args: argparse.Namespace
) -> int:
    """``command(args)``, ending quietly (exit 0) when stdout's reader is gone."""
    return _guard_stdout(lambda: command(args))


def _fail(args: argparse.Namespace, error: Exception, code: int, message: str) -> int:
    if getattr(args, "json", False):
        payload: dict[str, Any] = {
            "type": type(error).__name__,
            "message": message,
            "exit_code": code,
        }
        if isinstance(error, ConferencingError):
            payload.update(
                provider=error.provider,
                status_code=error.status_code,
                code=error.code,
                retryable=error.retryable,
            )
        _print_error_json(payload)
    else:
        print(f"confgen: error: {message}", file=sys.stderr)
    return code


def _print_error_json(payload: Mapping[str, Any]) -> None:
    sys.stderr.write(json.dumps({"error": dict(payload)}, ensure_ascii=False) + "\n")


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


_CONFERENCE_EPILOG = """\
credentials come from the environment (the variables `confgen providers` lists) or
--credentials-file; never from --option, which refuses name, base_url, credentials
and client. --option values are JSON when they parse (rule_id=42, invite_list='["a"]'),
else strings; force a string with JSON quotes: --option 'call_control_id="12345"'.
exit codes: 0 success, 1 provider or network error, 2 usage error (nothing sent)."""


def _providers_quietly(args: argparse.Namespace) -> int:
    return quiet_on_closed_stdout(providers_command, args)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``conference ACTION`` and ``providers`` to the ``confgen`` command's
    subcommands (the ``confgen.commands`` entry point). Names only: loads no generated
    package."""
    conference = commands.add_parser(
        "conference", help="use the facade: run a conference on any provider"
    )
    conference_commands = conference.add_subparsers(
        dest="conference_command",
        required=True,
        metavar="ACTION",
        parser_class=ConferenceArgumentParser,
    )
    for action_name, action in ACTIONS.items():
        sub = conference_commands.add_parser(
            action_name,
            help=action.help,
            description=action.help,
            epilog=_CONFERENCE_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("--provider", required=True, choices=sorted(PROVIDERS))
        if action_name == "create":
            sub.add_argument("--name", required=True, help="the conference name")
        for id_name in action.ids:
            sub.add_argument(
                id_name, metavar=id_name.upper(), help=f"the {id_name.replace('_', ' ')}"
            )
        if action_name == "join":
            sub.add_argument("--participant-name", help="the name the participant joins as")
        if action.options:
            sub.add_argument(
                "--option",
                action="append",
                metavar="KEY=VALUE",
                help="a provider option (repeatable); VALUE is JSON when it parses, else a "
                "string; quote it as JSON to force a string: 'call_control_id=\"12345\"'",
            )
        sub.add_argument(
            "--base-url",
            help="the provider's server URL (a mock, a proxy): absolute http(s)://, or ws(s):// "
            "for trueconf",
        )
        sub.add_argument(
            "--credentials-file",
            type=Path,
            metavar="FILE",
            help="a JSON or YAML mapping of the client's credential arguments (see `confgen "
            "providers`); default: the environment",
        )
        sub.add_argument("--json", action="store_true", help="print JSON (errors too, on stderr)")
        sub.add_argument(
            "--dry-run",
            action="store_true",
            help="print what would be sent (secrets redacted) and send nothing",
        )
        sub.set_defaults(handler=conference_command)

    providers = commands.add_parser(
        "providers", help="list the providers, their operations and the credentials each needs"
    )
    providers.add_argument("--json", action="store_true", help="print JSON")
    providers.set_defaults(handler=_providers_quietly)
